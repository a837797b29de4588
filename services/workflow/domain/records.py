"""Value types of a processing instance: who acts, what the case is, what happened and when."""

from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.workflow.domain.agencies import AgencyRef
from shared.events.decisions import Outcome, PaymentPeriod
from shared.events.intake import Representative
from shared.events.values import (
    AgencyCode,
    Applicant,
    Beneficiary,
    Code,
    PositiveVnd,
    ResultDelivery,
    StaffId,
    Text,
    Timeliness,
    TimeUnit,
    Vnd,
    WorkingDays,
)
from shared.events.workflow import Role
from shared.officers import OfficerRole


class Status(IntEnum):
    """National portal statuses a case passes through while the workflow owns it."""

    RECEIVED = 2
    IN_PROGRESS = 4
    SUPPLEMENT_REQUESTED = 5
    FEE_REQUESTED = 6
    WITHDRAWN = 7
    STOPPED = 8
    RESOLVED = 9


STATUS_NAMES = {
    Status.RECEIVED: "Đã tiếp nhận",
    Status.IN_PROGRESS: "Đang giải quyết",
    Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
    Status.FEE_REQUESTED: "Chờ thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Công dân rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.RESOLVED: "Đã giải quyết",
}
OPEN_STATUSES = frozenset(
    {Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT_REQUESTED, Status.FEE_REQUESTED}
)
# The processing clock runs only in these; a supplement or fee wait does not count.
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.IN_PROGRESS})


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseFacts(Record):
    """What reception established about the case (from ``case-submitted``)."""

    procedure_code: Code
    procedure_name: Text
    field: Text
    agency_code: AgencyCode
    agency_name: Text
    # A person or an organisation (kind, ID number or tax code); instances stored before
    # organisations could apply have no kind, and read as individuals.
    applicant: Applicant
    # Who submitted the dossier for the applicant, printed on the forms; none in older instances.
    representative: Representative | None = None
    received_at: AwareDatetime
    processing_days: WorkingDays
    # Instances stored before the unit was recorded were all in working days.
    processing_time_unit: TimeUnit = TimeUnit.WORKING_DAYS
    fee_vnd: Vnd
    is_benefit: bool
    payment_programme: Code | None = None
    # The desk officer who received it; none for online dossiers and older events.
    received_by: StaffId | None = None
    # How the result goes back to the applicant, chosen at receipt; copied to case-resolved.
    # Instances stored before it was kept were all returned at the desk.
    result_delivery: ResultDelivery = ResultDelivery.DESK


class ActionRecord(Record):
    """One line of the case's audit trail: which action, by whom, when, with what input."""

    action: str
    officer_id: StaffId | None
    role: OfficerRole | None
    at: AwareDatetime
    details: dict[str, Any] = Field(default_factory=dict)


class Handoff(Record):
    """One row of the processing control slip (form 06)."""

    step_id: str
    step_name: str
    role: Role
    assignee: StaffId
    started_at: AwareDatetime
    completed_at: AwareDatetime
    due_at: AwareDatetime
    timeliness: Timeliness
    next_step_id: str | None
    # The hand-over: the agency that performed the step and the one performing the next (another
    # agency where an interlinked procedure moves on); absent in rows stored before they were kept.
    agency: AgencyRef | None = None
    next_agency: AgencyRef | None = None
    note: Text | None = None


class PauseKind(StrEnum):
    SUPPLEMENT = "supplement"
    FEE = "fee"

    @property
    def label(self) -> str:
        return "bổ sung hồ sơ" if self is PauseKind.SUPPLEMENT else "nộp phí, lệ phí"


class Pause(Record):
    kind: PauseKind
    since: AwareDatetime
    until: AwareDatetime | None = None
    working_days: WorkingDays = 0


class PaymentTerms(Record):
    programme_code: Code
    beneficiary: Beneficiary
    amount_vnd: PositiveVnd
    period: PaymentPeriod


class Decision(Record):
    outcome: Outcome
    number: Text
    decided_by: StaffId
    decided_at: datetime
    payment: PaymentTerms | None = None
