"""Tables to CSV and XLSX bytes (UTF-8 with BOM so spreadsheet programs show the diacritics).

Names in a report come from dossiers and the catalogue, so a cell such as ``=HYPERLINK(...)``
must open as the text it is, never as a formula (CSV/formula injection, OWASP).
"""

import csv
import io
from collections.abc import Sequence
from typing import cast

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from services.reporting.domain.tables import Cell, Table

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# OWASP's list, plus the full-width forms that some East Asian spreadsheet locales also evaluate.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula_like(cell: object) -> bool:
    """Text a spreadsheet could evaluate; numbers (negative ones too) are left as numbers."""
    return isinstance(cell, str) and cell.startswith(FORMULA_LEADS)


def as_csv_cell(cell: Cell) -> Cell:
    # CSV has no cell types: the single quote is the only way to say "text" to Excel and Calc.
    return f"'{cell}" if is_formula_like(cell) else cell


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows: list[Sequence[Cell]] = [table.headers, *table.rows]
    for row in rows:
        writer.writerow([as_csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(table: Table, subtitle: str) -> bytes:
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook's one sheet, never None
    sheet.title = table.title[:31]
    append(sheet, [table.title])
    append(sheet, [subtitle])
    append(sheet, table.headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in table.rows:
        append(sheet, row)
    sheet["A1"].font = Font(bold=True, size=13)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def append(sheet: Worksheet, values: Sequence[Cell]) -> None:
    """Append a row whose text stays text: XLSX has a string type, so no visible quote is needed."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if is_formula_like(cell.value):
            # openpyxl made "=..." a formula; a string cell is never evaluated, and the quote
            # prefix keeps it text when someone edits the cell in Excel.
            cell.data_type = "s"
            cell.quotePrefix = True
