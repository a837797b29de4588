"""What officers read: a case, a work-queue line, the processing control slip (form 06)."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from services.workflow.domain.instance import Instance
from services.workflow.domain.records import (
    CLOCK_RUNNING,
    STATUS_NAMES,
    ActionRecord,
    Decision,
    Handoff,
    Pause,
    Status,
)
from shared.events.values import Timeliness, TimeUnit
from shared.events.workflow import Role
from shared.officers import ROLE_NAMES, OfficerRole

TIMELINESS_NAMES = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}


class StepView(BaseModel):
    id: str
    name: str
    role: Role


class QueueItem(BaseModel):
    case_code: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    # The agency whose queue the case is in: another than the receiving one at an interlinked
    # procedure's other agencies' steps.
    current_agency_code: str
    current_agency_name: str
    status: Status
    status_name: str
    step: StepView
    assignee: str | None
    due_at: datetime
    overdue: bool


class CaseView(QueueItem):
    applicant_name: str
    received_at: datetime
    processing_days: int
    processing_time_unit: TimeUnit
    original_due_at: datetime
    appointment_at: datetime
    paused_working_days: int
    pauses: list[Pause]
    apology_issued_at: datetime | None
    decision: Decision | None
    resolved_at: datetime | None
    stopped_at: datetime | None
    handoffs: list[Handoff]
    history: list[ActionRecord]


class SlipRow(BaseModel):
    """One hand-off: who had the case, from when to when, against which due time."""

    step_name: str
    role_name: str
    assignee: str
    started_at: datetime
    completed_at: datetime
    due_at: datetime
    timeliness: Timeliness
    timeliness_name: str
    giver_agency_name: str
    # None on the last row: nobody receives after the result is returned.
    receiver_agency_name: str | None
    note: str | None = None


class ControlSlip(BaseModel):
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (form 06, Circular 03/2025/TT-VPCP)."""

    form: str = "06"
    title: str = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"
    case_code: str
    procedure_name: str
    agency_name: str
    applicant_name: str
    received_at: datetime
    due_at: datetime
    appointment_at: datetime
    status_name: str
    rows: list[SlipRow]


def queue_item(instance: Instance, now: datetime) -> dict[str, Any]:
    facts = instance.facts
    step = instance.step
    return {
        "case_code": instance.case_code,
        "procedure_code": facts.procedure_code,
        "procedure_name": facts.procedure_name,
        "agency_code": facts.agency_code,
        "current_agency_code": instance.agency.code,
        "current_agency_name": instance.agency.name,
        "status": instance.status,
        "status_name": STATUS_NAMES[instance.status],
        "step": StepView(id=step.id, name=step.name, role=step.role),
        "assignee": instance.assignee,
        "due_at": instance.due_at,
        "overdue": instance.status in CLOCK_RUNNING and now > instance.due_at,
    }


def case_view(instance: Instance, now: datetime) -> CaseView:
    return CaseView(
        **queue_item(instance, now),
        **instance.model_dump(
            include={
                "original_due_at",
                "appointment_at",
                "paused_working_days",
                "pauses",
                "apology_issued_at",
                "decision",
                "resolved_at",
                "stopped_at",
                "handoffs",
                "history",
            }
        ),
        applicant_name=instance.facts.applicant.full_name,
        received_at=instance.facts.received_at,
        processing_days=instance.facts.processing_days,
        processing_time_unit=instance.facts.processing_time_unit,
    )


def receiver_agency_name(row: Handoff, desk_name: str) -> str | None:
    """Rows stored before hand-overs named agencies were all within the receiving desk."""
    if row.next_step_id is None:
        return None
    return row.next_agency.name if row.next_agency else desk_name


def control_slip(instance: Instance) -> ControlSlip:
    facts = instance.facts
    return ControlSlip(
        case_code=instance.case_code,
        procedure_name=facts.procedure_name,
        agency_name=facts.agency_name,
        applicant_name=facts.applicant.full_name,
        received_at=facts.received_at,
        due_at=instance.due_at,
        appointment_at=instance.appointment_at,
        status_name=STATUS_NAMES[instance.status],
        rows=[
            SlipRow(
                step_name=row.step_name,
                role_name=ROLE_NAMES[OfficerRole(row.role)],
                assignee=row.assignee,
                started_at=row.started_at,
                completed_at=row.completed_at,
                due_at=row.due_at,
                timeliness=row.timeliness,
                timeliness_name=TIMELINESS_NAMES[row.timeliness],
                giver_agency_name=(row.agency.name if row.agency else facts.agency_name),
                receiver_agency_name=receiver_agency_name(row, facts.agency_name),
                note=row.note,
            )
            for row in instance.handoffs
        ],
    )
