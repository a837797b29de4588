"""Tables to CSV and XLSX bytes (UTF-8 with BOM so spreadsheet programs show the diacritics)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from services.reporting.domain.tables import Table

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(table: Table, subtitle: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append([table.title])
    sheet.append([subtitle])
    sheet.append(table.headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=13)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
