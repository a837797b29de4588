"""The receipt and appointment slip (form 01) as a PDF, in Vietnamese, with the case code as a QR.

The font must carry Vietnamese letters: DejaVu Sans from the system (Debian package
fonts-dejavu-core), never a font copied into the repository.
"""

from datetime import datetime
from io import BytesIO
from pathlib import Path

import qrcode
from fpdf import FPDF
from qrcode.image.pil import PilImage

from services.intake.domain.agencies import Agency
from services.intake.domain.case import Case
from shared.calendar import LOCAL_TZ
from shared.events.values import CopyKind

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"
_KIND = {
    CopyKind.ORIGINAL: "bản chính",
    CopyKind.COPY: "bản sao",
    CopyKind.CERTIFIED_COPY: "bản sao chứng thực",
}
_CHANNEL = {"direct": "trực tiếp", "online": "trực tuyến", "postal": "qua bưu chính"}


def render_receipt(case: Case, agency: Agency, font_dir: Path = FONT_DIR) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(font_dir / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(font_dir / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả {case.code}")
    pdf.add_page()
    _heading(pdf, case, agency)
    _body(pdf, case)
    _footer(pdf, agency)
    return bytes(pdf.output())


def _heading(pdf: FPDF, case: Case, agency: Agency) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(110, 5, agency.name.upper(), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    pdf.cell(110, 5, "Mẫu số 01", new_x="LMARGIN", new_y="NEXT")
    pdf.image(_qr_png(case.code), x=165, y=10, w=30, h=30)
    pdf.set_y(45)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(
        0, 8, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, f"Mã hồ sơ: {case.code}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _body(pdf: FPDF, case: Case) -> None:
    s = case.submitted
    applicant = s.applicant
    lines = [
        f"Tiếp nhận hồ sơ của: {applicant.full_name}",
        f"Số định danh cá nhân: {applicant.citizen_id}",
        f"Địa chỉ: {applicant.address}",
        f"Số điện thoại: {applicant.phone}"
        + (f"    Email: {applicant.email}" if applicant.email else ""),
        f"Nội dung yêu cầu giải quyết: {s.procedure_name} (mã {s.procedure_code})",
        f"Lĩnh vực: {s.field}    Hình thức nộp: {_CHANNEL.get(s.channel.value, s.channel.value)}",
    ]
    _lines(pdf, lines)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Thành phần hồ sơ đã nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    for number, document in enumerate(s.documents, start=1):
        text = f"{number}. {document.name} ({_KIND[document.copy_kind]}, số lượng {document.count})"
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _lines(
        pdf,
        [
            f"Thời hạn giải quyết: {s.processing_days} {s.processing_time_unit.label}",
            f"Thời gian nhận hồ sơ: {_moment(s.received_at)}",
            f"Thời gian trả kết quả (ngày hẹn trả): {_moment(case.due_at)}",
        ],
    )


def _footer(pdf: FPDF, agency: Agency) -> None:
    _lines(pdf, [f"Nơi trả kết quả: {agency.place_of_return}"])
    pdf.ln(4)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        0,
        5,
        "Tra cứu tình trạng hồ sơ bằng mã hồ sơ và số định danh cá nhân của người nộp.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(95, 6, "NGƯỜI NỘP HỒ SƠ", align="C")
    pdf.cell(95, 6, "NGƯỜI TIẾP NHẬN HỒ SƠ", align="C", new_x="LMARGIN", new_y="NEXT")


def _lines(pdf: FPDF, lines: list[str]) -> None:
    pdf.set_font(FONT, "", 10)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")


def _moment(instant: datetime) -> str:
    return instant.astimezone(LOCAL_TZ).strftime("%H giờ %M, ngày %d/%m/%Y")


def _qr_png(text: str) -> BytesIO:
    buffer = BytesIO()
    qrcode.make(text, image_factory=PilImage).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer
