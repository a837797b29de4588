"""One filled example of each form, for tests and the docs' pictures, dated in either regime.

The people are invented; the agencies and the procedure are those of the catalogue
(services/intake/data). Every example is about one case received on the given working day.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.calendar.working_calendar import LOCAL_TZ
from shared.events.values import CopyKind, Timeliness, TimeUnit
from shared.forms.models import (
    ApologyForm,
    ControlSlipForm,
    Form,
    ReceiptForm,
    RefusalForm,
    StopNoticeForm,
    SupplementRequestForm,
    TrackingBookForm,
)
from shared.forms.numbering import FormKind
from shared.forms.values import (
    ApplicantDetails,
    BookRow,
    DocumentLine,
    HandoverRow,
    IssuingAgency,
    Party,
)

PROCEDURE = "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội"
APPLICANT = ApplicantDetails(
    full_name="Nguyễn Thị Hoa",
    citizen_id="040190001234",
    address="Xóm 3, xã Đại Đồng, tỉnh Nghệ An",
    phone="+84912345678",
)
DOCUMENTS = (
    DocumentLine(
        name="Tờ khai đề nghị hỗ trợ chi phí mai táng", copy_kind=CopyKind.ORIGINAL, count=1
    ),
    DocumentLine(name="Giấy chứng tử của đối tượng", copy_kind=CopyKind.COPY, count=1),
)
DESK = "Bộ phận Một cửa"
DIVISION = "Phòng Bảo trợ xã hội"


@dataclass(frozen=True)
class CaseFacts:
    """What every example shares: who issues, which case, when it was received and is due."""

    agency: IssuingAgency
    code: str
    received: datetime
    appointment: datetime

    @property
    def received_on(self) -> date:
        return self.received.date()


def case_facts(received_on: date) -> CaseFacts:
    # The department of labour merged into the Department of Home Affairs on 1/3/2025.
    merged = received_on >= date(2025, 3, 1)
    name = "Sở Nội vụ" if merged else "Sở Lao động - Thương binh và Xã hội"
    prefix = "SNV" if merged else "SLDTBXH"
    return CaseFacts(
        agency=IssuingAgency(governing_body="UBND tỉnh Nghệ An", name=name, locality="Nghệ An"),
        code=f"{prefix}-{received_on:%y%m%d}-0007",
        received=_at(received_on, 9, 15),
        appointment=_at(received_on + timedelta(days=7), 17),
    )


def example_forms(received_on: date) -> dict[FormKind, Form]:
    """Each form about one case received on `received_on`."""
    facts = case_facts(received_on)
    return {
        FormKind.RECEIPT: receipt(facts),
        FormKind.SUPPLEMENT_REQUEST: supplement_request(facts),
        FormKind.REFUSAL: refusal(facts),
        FormKind.APOLOGY: apology(facts),
        FormKind.STOP_NOTICE: stop_notice(facts),
        FormKind.CONTROL_SLIP: control_slip(facts),
        FormKind.TRACKING_BOOK: tracking_book(facts),
    }


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


def receipt(facts: CaseFacts) -> ReceiptForm:
    return ReceiptForm(
        agency=facts.agency.model_copy(update={"name": DESK, "governing_body": facts.agency.name}),
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        case_code=facts.code,
        document_number="0007/TNHS",
        procedure_code="1.001731",
        documents=DOCUMENTS,
        processing_time=5,
        processing_time_unit=TimeUnit.WORKING_DAYS,
        received_at=facts.received,
        appointment_at=facts.appointment,
        place_of_return=f"{DESK}, {facts.agency.name} tỉnh Nghệ An",
        book_entry="Quyển số 01, số thứ tự 7",
        receiver_name="Trần Văn Bình",
    )


def supplement_request(facts: CaseFacts) -> SupplementRequestForm:
    return SupplementRequestForm(
        agency=facts.agency,
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        case_code=facts.code,
        items=("Bản sao giấy chứng tử của đối tượng (bản đã nộp không đọc được số giấy)",),
        reason="Thành phần hồ sơ chưa hợp lệ",
        officer_name="Lê Thị Mai",
        officer_phone="0238 3844 123",
        issued_on=facts.received_on + timedelta(days=1),
    )


def refusal(facts: CaseFacts) -> RefusalForm:
    return RefusalForm(
        agency=facts.agency.model_copy(update={"name": DESK, "governing_body": facts.agency.name}),
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        reasons=("Đối tượng không thuộc diện hưởng trợ cấp xã hội hằng tháng",),
        officer_name="Trần Văn Bình",
        issued_on=facts.received_on,
    )


def apology(facts: CaseFacts) -> ApologyForm:
    return ApologyForm(
        agency=facts.agency,
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        case_code=facts.code,
        document_number="12/XL-SNV",
        received_on=facts.received_on,
        original_appointment_at=facts.appointment,
        reason="Cần xác minh thêm thông tin về nơi cư trú của đối tượng",
        new_appointment_at=facts.appointment + timedelta(days=5),
        signer_title="GIÁM ĐỐC",
        signer_name="Phạm Văn Cường",
        issued_on=facts.appointment.date() - timedelta(days=1),
    )


def stop_notice(facts: CaseFacts) -> StopNoticeForm:
    return StopNoticeForm(
        agency=facts.agency,
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        case_code=facts.code,
        received_at=facts.received,
        stopped_at=facts.received + timedelta(days=2),
        requested_on=facts.received_on + timedelta(days=2),
        reasons=("Người nộp hồ sơ đề nghị rút hồ sơ",),
        returned_documents=DOCUMENTS,
        fee_note="Thủ tục không thu phí, lệ phí",
        signer_title="GIÁM ĐỐC",
        signer_name="Phạm Văn Cường",
        issued_on=facts.received_on + timedelta(days=2),
    )


def control_slip(facts: CaseFacts) -> ControlSlipForm:
    start = facts.received
    return ControlSlipForm(
        agency=facts.agency,
        applicant=APPLICANT,
        procedure_name=PROCEDURE,
        case_code=facts.code,
        received_at=start,
        appointment_at=facts.appointment,
        lead_agency=f"{DIVISION}, {facts.agency.name}",
        rows=(
            HandoverRow(
                giver=Party(unit=DESK, person="Trần Văn Bình"),
                receiver=Party(unit=DIVISION, person="Lê Thị Mai"),
                at=start + timedelta(hours=2),
                timeliness=Timeliness.ON_TIME,
            ),
            HandoverRow(
                giver=Party(unit=DIVISION, person="Lê Thị Mai"),
                receiver=Party(unit="Lãnh đạo Sở", person="Phạm Văn Cường"),
                at=start + timedelta(days=2),
                timeliness=Timeliness.EARLY,
                notes="Trình ký quyết định",
            ),
            HandoverRow(
                giver=Party(unit="Lãnh đạo Sở", person="Phạm Văn Cường"),
                receiver=Party(unit=DESK, person="Trần Văn Bình"),
                at=start + timedelta(days=3),
                timeliness=Timeliness.ON_TIME,
                notes="Chuyển kết quả để trả",
            ),
        ),
    )


def tracking_book(facts: CaseFacts) -> TrackingBookForm:
    period_start = facts.received_on.replace(day=1)
    return TrackingBookForm(
        agency=facts.agency.model_copy(update={"name": DESK, "governing_body": facts.agency.name}),
        period_start=period_start,
        period_end=period_start + timedelta(days=27),
        book_number="01",
        rows=(
            BookRow(
                case_code=facts.code,
                procedure_name=PROCEDURE,
                applicant_name=APPLICANT.full_name,
                applicant_contact=f"{APPLICANT.address}; {APPLICANT.phone}",
                lead_agency=DIVISION,
                received_at=facts.received,
                appointment_at=facts.appointment,
                transferred_at=facts.received + timedelta(hours=2),
                result_received_at=facts.received + timedelta(days=3),
                returned_at=facts.received + timedelta(days=4),
            ),
        ),
    )
