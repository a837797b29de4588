"""A valid, realistic event of every catalogue type: AsyncAPI message examples, test fixtures."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from shared.events.codec import new_event
from shared.events.decisions import (
    AppointmentRescheduled,
    CaseResolved,
    CaseWithdrawn,
    Outcome,
    PaymentApproved,
    PaymentPeriod,
    ProcessingStopped,
)
from shared.events.envelope import Envelope, EventData
from shared.events.intake import (
    CaseRated,
    CaseRecorded,
    CaseRefused,
    CaseSubmitted,
    RatingIndicators,
    RecordedPayment,
    ResultReturned,
    Satisfaction,
    SupplementReceived,
)
from shared.events.notify import NotificationFailed, NotificationSent
from shared.events.registry import EventSpec
from shared.events.values import (
    Applicant,
    ApplicantContact,
    Beneficiary,
    CopyKind,
    DocumentItem,
    NotificationChannel,
    SubmissionChannel,
    Timeliness,
)
from shared.events.workflow import (
    CaseTransferred,
    DeadlineThreshold,
    DeadlineWarning,
    FeeRequested,
    ProcessingResumed,
    Role,
    StepCompleted,
    StepRef,
    SupplementRequested,
    Wait,
)

CASE = "SNV.NA-250714-0007"
AGENCY = "SNV.NA"
PROCEDURE = "1.010803"
PROGRAMME = "TC_THO_CUNG_LS"
CITIZEN_ID = "040185001234"
APPLICANT = Applicant(
    full_name="Nguyễn Thị Hoa",
    citizen_id=CITIZEN_ID,
    date_of_birth=date(1985, 3, 12),
    phone="+84912345678",
    email="hoa.nguyen@example.vn",
    address="Xóm 3, xã Thanh Chương, tỉnh Nghệ An",
)
CONTACT = ApplicantContact(
    full_name=APPLICANT.full_name, phone=APPLICANT.phone, email=APPLICANT.email
)
DEATH_CERTIFICATE = DocumentItem(
    name="Giấy báo tử liệt sĩ", copy_kind=CopyKind.CERTIFIED_COPY, count=1
)
DUE = datetime(2025, 7, 29, 10, 0, tzinfo=UTC)
SPECIALIST = StepRef(step_id="appraise", step_name="Thẩm định hồ sơ", role=Role.SPECIALIST)
EVENT_TIME = datetime(2025, 7, 14, 2, 0, 5, tzinfo=UTC)
LEADER = StepRef(step_id="approve", step_name="Phê duyệt", role=Role.LEADER)


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 7, day, hour, tzinfo=UTC)


EXAMPLES: dict[type[EventData], EventData] = {
    CaseSubmitted: CaseSubmitted(
        case_code=CASE,
        procedure_code=PROCEDURE,
        procedure_name="Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        field="Người có công",
        agency_code=AGENCY,
        agency_name="Sở Nội vụ tỉnh Nghệ An",
        channel=SubmissionChannel.DIRECT,
        applicant=APPLICANT,
        documents=[
            DocumentItem(
                name="Bản khai đề nghị trợ cấp thờ cúng", copy_kind=CopyKind.ORIGINAL, count=1
            ),
            DEATH_CERTIFICATE,
        ],
        received_at=at(14, 2),
        processing_days=10,
        due_at=DUE,
        fee_vnd=0,
        is_benefit=True,
        payment_programme=PROGRAMME,
    ),
    CaseRefused: CaseRefused(
        case_code="SNV.NA-250714-0008",
        reasons=["Thủ tục không thuộc thẩm quyền giải quyết của Sở Nội vụ"],
        refused_at=at(14, 3),
        refused_by="tn.lan",
        agency_code=AGENCY,
        procedure_code=PROCEDURE,
        applicant=CONTACT,
    ),
    SupplementReceived: SupplementReceived(
        case_code=CASE, documents=[DEATH_CERTIFICATE], received_at=at(17, 3), received_by="tn.lan"
    ),
    ResultReturned: ResultReturned(case_code=CASE, returned_at=at(29, 8), returned_by="tn.lan"),
    CaseRated: CaseRated(
        case_code=CASE,
        indicators=RatingIndicators(
            total_time=2,
            unit_time=2,
            contacts=2,
            agencies_contacted=2,
            one_stop=2,
            publicly_posted=2,
            staff_attitude=2,
            feedback_handling=1,
            online_quality=1,
        ),
        total_points=16,
        overall=Satisfaction.VERY_SATISFIED,
        agency_code=AGENCY,
        rated_at=at(29, 9),
    ),
    CaseRecorded: CaseRecorded(
        case_code="TCH-180605-0042",
        register_entry="2018/1187",
        procedure_code="LOCAL.NCC.003",
        procedure_name="Hỗ trợ người có công với cách mạng về nhà ở",
        field="Người có công",
        agency_code="TCH",
        agency_name="Phòng Lao động - Thương binh và Xã hội huyện Thanh Chương",
        received_at=datetime(2018, 6, 5, 2, 30, tzinfo=UTC),
        due_at=datetime(2018, 6, 19, 10, 0, tzinfo=UTC),
        outcome=Outcome.APPROVED,
        resolved_at=datetime(2018, 6, 14, 8, 0, tzinfo=UTC),
        timeliness=Timeliness.EARLY,
        returned_at=datetime(2018, 6, 15, 3, 0, tzinfo=UTC),
        payment=RecordedPayment(
            programme_code="HO_TRO_NHA_O_NCC", amount_vnd=40_000_000, decision_number="215/QĐ-UBND"
        ),
        recorded_by="admin.thu",
        recorded_at=at(30, 2),
    ),
    StepCompleted: StepCompleted(
        case_code=CASE,
        step=SPECIALIST,
        assignee="cv.minh",
        started_at=at(14, 3),
        completed_at=at(22, 9),
        due_at=at(24, 10),
        timeliness=Timeliness.EARLY,
        next_step=LEADER,
    ),
    CaseTransferred: CaseTransferred(
        case_code="BICHHAO-250714-0003",
        from_agency_code="BICHHAO",
        from_agency_name="Ủy ban nhân dân xã Bích Hào",
        to_agency_code="SNV",
        to_agency_name="Sở Nội vụ tỉnh Nghệ An",
        step=StepRef(
            step_id="xac-nhan-xa", step_name="UBND xã xác nhận, đề nghị", role=Role.SPECIALIST
        ),
        next_step=StepRef(
            step_id="tham-dinh", step_name="Thẩm định hồ sơ người có công", role=Role.SPECIALIST
        ),
        given_by="cv.xa.an",
        transferred_at=at(16, 9),
        due_at=at(17, 10),
        timeliness=Timeliness.EARLY,
        notes="Đã xác nhận, chuyển Sở Nội vụ",
    ),
    SupplementRequested: SupplementRequested(
        case_code=CASE,
        reasons=["Bản sao giấy báo tử chưa được chứng thực"],
        missing_documents=[DEATH_CERTIFICATE],
        requested_at=at(15, 4),
        requested_by="cv.minh",
        clock_paused=True,
        remaining_working_days=9,
        applicant=CONTACT,
    ),
    FeeRequested: FeeRequested(
        case_code=CASE, amount_vnd=50_000, reason="Phí sao y giấy tờ", requested_at=at(15, 4)
    ),
    ProcessingResumed: ProcessingResumed(
        case_code=CASE,
        resumed_at=at(17, 3),
        wait=Wait.SUPPLEMENT,
        paused_working_days=2,
        previous_due_at=DUE,
        due_at=datetime(2025, 7, 31, 10, 0, tzinfo=UTC),
        resumed_by="tn.lan",
    ),
    AppointmentRescheduled: AppointmentRescheduled(
        case_code=CASE,
        reason="Cần xác minh thông tin liệt sĩ với địa phương khác",
        previous_due_at=DUE,
        new_due_at=datetime(2025, 8, 5, 10, 0, tzinfo=UTC),
        issued_at=at(25, 7),
        signed_by="ld.hung",
        applicant=CONTACT,
    ),
    ProcessingStopped: ProcessingStopped(
        case_code=CASE,
        reason="Người nộp hồ sơ đề nghị dừng giải quyết",
        stopped_at=at(16, 2),
        stopped_by="ld.hung",
        applicant=CONTACT,
    ),
    CaseWithdrawn: CaseWithdrawn(
        case_code=CASE,
        reason="Gia đình đã nộp hồ sơ tại nơi cư trú mới",
        requested_on=date(2025, 7, 16),
        withdrawn_at=at(16, 3),
        recorded_by="tn.lan",
        applicant=CONTACT,
    ),
    CaseResolved: CaseResolved(
        case_code=CASE,
        outcome=Outcome.APPROVED,
        decision_number="1234/QĐ-SNV",
        resolved_at=at(28, 9),
        due_at=DUE,
        working_days_used=9,
        timeliness=Timeliness.EARLY,
        agency_code=AGENCY,
        procedure_code=PROCEDURE,
        applicant=CONTACT,
    ),
    PaymentApproved: PaymentApproved(
        case_code=CASE,
        decision_number="1234/QĐ-SNV",
        beneficiary=Beneficiary(full_name=APPLICANT.full_name, citizen_id=CITIZEN_ID),
        programme_code=PROGRAMME,
        amount_vnd=1_400_000,
        period=PaymentPeriod(start=date(2025, 1, 1), end=date(2025, 12, 31), label="Năm 2025"),
        approved_at=at(28, 9),
        agency_code=AGENCY,
        procedure_code=PROCEDURE,
        applicant=CONTACT,
    ),
    DeadlineWarning: DeadlineWarning(
        case_code=CASE, threshold=DeadlineThreshold.DUE_SOON, due_at=DUE, detected_at=at(25, 1)
    ),
    NotificationSent: NotificationSent(
        case_code=CASE,
        trigger_event_id=UUID("0b6f3c1e-8d52-4c4b-9a53-7f0c2d3e4a51"),
        trigger_event_type="vn.onestop.case-resolved.v1",
        channel=NotificationChannel.SMS,
        recipient="+8491*****78",
        attempts=1,
        segments=2,
        sent_at=at(28, 9),
    ),
    NotificationFailed: NotificationFailed(
        case_code=CASE,
        trigger_event_id=UUID("0b6f3c1e-8d52-4c4b-9a53-7f0c2d3e4a51"),
        trigger_event_type="vn.onestop.case-resolved.v1",
        channel=NotificationChannel.EMAIL,
        recipient="h***@example.vn",
        attempts=5,
        error="550 5.1.1 mailbox unavailable",
        failed_at=at(28, 10),
    ),
}


def example_event(spec: EventSpec) -> Envelope[Any]:
    """The example of ``spec`` in its envelope, with a fixed id and time so output is stable."""
    return new_event(
        EXAMPLES[spec.data_model], event_id=uuid5(NAMESPACE_URL, spec.type), time=EVENT_TIME
    )
