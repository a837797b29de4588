"""Exports (CSV, XLSX): Vietnamese headers, integer money, no formula injection."""

import csv
import io
import zipfile

import openpyxl
import pytest

from services.reporting.adapters.exports import to_csv, to_xlsx
from services.reporting.domain.benefits import PaymentRow
from services.reporting.domain.report import one_stop_row
from services.reporting.domain.tables import Table, one_stop_table, payments_table

pytestmark = pytest.mark.unit


def test_csv_has_vietnamese_headers_and_a_bom_for_spreadsheets() -> None:
    within = {"received": 3, "received_online": 1, "received_direct": 2}
    row = one_stop_row("1.001776", "Trợ cấp xã hội", {"received": 2, "closed": 1}, within)
    data = to_csv(one_stop_table([row], row))
    assert data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][:4] == ["Mã", "Tên", "Tổng số hồ sơ tiếp nhận", "Từ kỳ trước chuyển sang"]
    assert lines[1][:4] == ["1.001776", "Trợ cấp xã hội", "4", "1"]


def test_xlsx_keeps_money_as_integers() -> None:
    table = payments_table([PaymentRow("NHA_TINH_NGHIA", "Nhà tình nghĩa", 3, 130_000_000)])
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table, "Năm 2018"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Năm 2018"
    assert rows[3] == ("NHA_TINH_NGHIA", "Nhà tình nghĩa", 3, 130_000_000)
    assert isinstance(rows[3][3], int)


INJECTED = '=HYPERLINK("x")'
HOSTILE = [INJECTED, "+84912345678", "-2+3", "@SUM(A1)", "\tx", "\rx", "\uff1d1+1"]


def hostile_table() -> Table:
    return Table("Báo cáo", ["Mã", "=Tên"], [[*HOSTILE, -5, -1.5, 0, "Nguyễn Văn An", "a=b"]])


def test_csv_cells_that_look_like_formulas_open_as_text() -> None:
    data = to_csv(hostile_table()).decode("utf-8-sig")
    headers, row = list(csv.reader(io.StringIO(data)))
    assert headers == ["Mã", "'=Tên"]
    assert row[: len(HOSTILE)] == [f"'{text}" for text in HOSTILE]
    assert row[0] == """'=HYPERLINK("x")"""
    # Numbers, a negative one too, and text that merely contains a sign are left alone.
    assert row[len(HOSTILE) :] == ["-5", "-1.5", "0", "Nguyễn Văn An", "a=b"]


def test_xlsx_cells_that_look_like_formulas_are_stored_as_text() -> None:
    data = to_xlsx(hostile_table(), "-kỳ")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = sheet[4]
    injected = cells[0]
    assert (injected.value, injected.data_type, injected.quotePrefix) == (INJECTED, "s", True)
    # XML turns a carriage return into a line feed; what matters is that the text is intact.
    assert [c.value for c in cells[: len(HOSTILE)]] == [t.replace("\r", "\n") for t in HOSTILE]
    assert {c.data_type for c in cells[: len(HOSTILE)]} == {"s"}
    assert [c.value for c in cells[len(HOSTILE) :]] == [-5, -1.5, 0, "Nguyễn Văn An", "a=b"]
    assert [c.data_type for c in cells[len(HOSTILE) :]] == ["n", "n", "n", "s", "s"]
    assert (sheet["B3"].value, sheet["B3"].data_type) == ("=Tên", "s")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()
