"""Forms 01-07 render as HTML and PDF, with their mandatory fields and the number of their date."""

import html
import re
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from shared.forms import Form, FormKind, TrackingBookForm, render_html, render_pdf
from shared.forms.examples import APPLICANT, DOCUMENTS, PROCEDURE, example_forms
from shared.forms.pdf import FONT_DIR

pytestmark = pytest.mark.unit

IN_2019 = date(2019, 3, 5)  # Circular 01/2018/TT-VPCP
IN_2025 = date(2025, 10, 20)  # Circular 03/2025/TT-VPCP
HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

# (number in 2018 numbering, number in 2025 numbering, title in 2025) of each form.
NUMBERS = {
    FormKind.RECEIPT: ("01", "01"),
    FormKind.SUPPLEMENT_REQUEST: ("02", "02"),
    FormKind.REFUSAL: ("03", "03"),
    FormKind.APOLOGY: ("04", "04"),
    FormKind.STOP_NOTICE: (None, "05"),
    FormKind.CONTROL_SLIP: ("05", "06"),
    FormKind.TRACKING_BOOK: ("06", "07"),
}
TITLES_2025 = {
    FormKind.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    FormKind.SUPPLEMENT_REQUEST: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    FormKind.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    FormKind.APOLOGY: "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    FormKind.STOP_NOTICE: "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    FormKind.CONTROL_SLIP: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    FormKind.TRACKING_BOOK: "SỔ THEO DÕI HỒ SƠ",
}


@cache
def pdf_of(kind: FormKind, day: date) -> bytes:
    # A PDF takes about two seconds (font parsing and subsetting): render each example once.
    return render_pdf(example_forms(day)[kind])


def pdf_text(kind: FormKind, day: date) -> str:
    reader = PdfReader(BytesIO(pdf_of(kind, day)))
    # Cells wrap and justify: compare words, not layout.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def mandatory(kind: FormKind, forms: dict[FormKind, Form]) -> list[str]:
    """What the circular's form must show, in the words the example was filled with."""
    case_code = forms[FormKind.RECEIPT].case_code or ""
    about_case = [APPLICANT.full_name, PROCEDURE]
    fields = {
        FormKind.RECEIPT: [
            case_code,
            *about_case,
            APPLICANT.address or "",
            *(document.name for document in DOCUMENTS),
            "Số lượng hồ sơ: 1 (bộ)",
            "Thời gian giải quyết hồ sơ theo quy định là: 5 ngày làm việc",
            "Thời gian nhận hồ sơ: 09 giờ 15 phút",
            "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút",
            "Đăng ký nhận kết quả tại: Bộ phận Một cửa",
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
        ],
        FormKind.SUPPLEMENT_REQUEST: [
            *about_case,
            "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau",
            "Bản sao giấy chứng tử",
            "Lý do: Thành phần hồ sơ chưa hợp lệ",
            "Lê Thị Mai, số điện thoại 0238 3844 123",
            "NGƯỜI HƯỚNG DẪN",
        ],
        FormKind.REFUSAL: [
            *about_case,
            "không tiếp nhận, giải quyết hồ sơ này với lý do",
            "Đối tượng không thuộc diện hưởng trợ cấp xã hội hằng tháng",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
        ],
        FormKind.APOLOGY: [
            case_code,
            f"Kính gửi: {APPLICANT.full_name}",
            PROCEDURE,
            "Lý do: Cần xác minh thêm thông tin",
            "xin lỗi ông/bà/tổ chức và hẹn lại thời gian trả kết quả",
            "GIÁM ĐỐC",
            "Phạm Văn Cường",
        ],
        FormKind.STOP_NOTICE: [
            case_code,
            f"Kính gửi: {APPLICANT.full_name}",
            PROCEDURE,
            "thông báo dừng giải quyết hồ sơ",
            "Người nộp hồ sơ đề nghị rút hồ sơ",
            "Hồ sơ được trả lại",
            "Phí, lệ phí: Thủ tục không thu phí, lệ phí",
        ],
        FormKind.CONTROL_SLIP: [
            case_code,
            f"Kèm theo hồ sơ của: {APPLICANT.full_name}",
            "Bên giao",
            "Bên nhận",
            "Thời gian giao, nhận hồ sơ",
            "Bộ phận Một cửa - Trần Văn Bình",
            "Phòng Bảo trợ xã hội - Lê Thị Mai",
            "Lãnh đạo Sở - Phạm Văn Cường",
            "Đúng hạn",
            "Trước hạn",
            "Trình ký quyết định",
            "Chuyển kết quả để trả",
        ],
        FormKind.TRACKING_BOOK: [
            case_code,
            "Mã hồ sơ",
            "Tên thủ tục hành chính",
            "Hẹn trả kết quả",
            "Trả kết quả cho cá nhân, tổ chức",
            APPLICANT.full_name,
            APPLICANT.phone or "",
            "Quyển số: 01",
        ],
    }
    return fields[kind]


@pytest.mark.parametrize("kind", list(FormKind))
@pytest.mark.parametrize("day", [IN_2019, IN_2025], ids=["2018-numbering", "2025-numbering"])
def test_the_pdf_shows_the_header_the_mandatory_fields_and_the_number_of_its_date(
    kind: FormKind, day: date
) -> None:
    forms = example_forms(day)
    text = pdf_text(kind, day)
    for expected in [*HEADER, *mandatory(kind, forms)]:
        assert expected in text, f"{kind}: {expected!r} missing"
    number_2018, number_2025 = NUMBERS[kind]
    number = number_2018 if day == IN_2019 else number_2025
    circular = "01/2018/TT-VPCP" if day == IN_2019 else "03/2025/TT-VPCP"
    printed = re.findall(r"Mẫu số (\d{2}) - Thông tư (\S+)", text)
    assert printed == ([] if number is None else [(number, circular)])


@pytest.mark.parametrize("kind", list(FormKind))
def test_the_2025_titles_are_those_of_circular_03_2025(kind: FormKind) -> None:
    assert TITLES_2025[kind] in pdf_text(kind, IN_2025)


def test_the_2018_apology_keeps_its_2018_title() -> None:
    text = pdf_text(FormKind.APOLOGY, IN_2019)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "ĐỀ NGHỊ GIA HẠN" not in text


def test_the_date_line_writes_the_day_and_early_months_with_two_digits() -> None:
    text = pdf_text(FormKind.RECEIPT, IN_2019)
    assert "Nghệ An, ngày 05 tháng 3 năm 2019" in text


@pytest.mark.parametrize("kind", list(FormKind))
@pytest.mark.parametrize("day", [IN_2019, IN_2025], ids=["2018-numbering", "2025-numbering"])
def test_the_html_page_shows_the_same_fields(kind: FormKind, day: date) -> None:
    forms = example_forms(day)
    page = render_html(forms[kind])
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())
    for expected in [*HEADER, *mandatory(kind, forms)]:
        assert expected in words, f"{kind}: {expected!r} missing"


# The examples' refusal happens at the desk before any case code is issued; the book has many.
WITH_ONE_CODE = [k for k in FormKind if k not in {FormKind.REFUSAL, FormKind.TRACKING_BOOK}]


@pytest.mark.parametrize("kind", WITH_ONE_CODE)
def test_a_form_about_one_case_carries_its_code_as_a_qr_image(kind: FormKind) -> None:
    form = example_forms(IN_2025)[kind]
    assert 'src="data:image/png;base64,' in render_html(form)
    reader = PdfReader(BytesIO(pdf_of(kind, IN_2025)))
    assert reader.pages[0].images, "the QR image is drawn in the PDF"


def test_a_form_without_a_case_code_prints_neither_code_nor_qr() -> None:
    page = render_html(example_forms(IN_2025)[FormKind.REFUSAL])
    assert "Mã hồ sơ" not in page
    assert "data:image/png" not in page


def test_the_tracking_book_is_printed_in_landscape() -> None:
    reader = PdfReader(BytesIO(pdf_of(FormKind.TRACKING_BOOK, IN_2025)))
    box = reader.pages[0].mediabox
    assert box.width > box.height


def test_a_long_tracking_book_runs_over_pages_and_keeps_every_dossier() -> None:
    book = example_forms(IN_2025)[FormKind.TRACKING_BOOK]
    assert isinstance(book, TrackingBookForm)
    row = book.rows[0]
    codes = [f"SNV-251020-{number:04d}" for number in range(1, 26)]
    long_book = book.model_copy(
        update={"rows": tuple(row.model_copy(update={"case_code": code}) for code in codes)}
    )
    reader = PdfReader(BytesIO(render_pdf(long_book)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) > 1
    assert [code for code in codes if code not in text] == []
    assert "25 hồ sơ" in text


def test_without_the_oblique_font_italics_print_upright(tmp_path: Path) -> None:
    # The service image installs fonts-dejavu-core only (regular and bold, no oblique).
    for face in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        (tmp_path / face).symlink_to(FONT_DIR / face)
    form = example_forms(IN_2025)[FormKind.RECEIPT]
    reader = PdfReader(BytesIO(render_pdf(form, font_dir=tmp_path)))
    assert "(Ký và ghi rõ họ tên)" in reader.pages[0].extract_text()
