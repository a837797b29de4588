"""Waiting for the applicant: supplements (status 5) and fees (status 6) stop the clock."""

from datetime import datetime

from services.workflow.domain import commands as c
from services.workflow.domain.errors import IllegalAction
from services.workflow.domain.instance import Instance, Rules
from services.workflow.domain.records import Pause, PauseKind, Status
from services.workflow.domain.steps import hold_step, require_role
from shared.events.envelope import EventData
from shared.events.intake import SupplementReceived
from shared.events.workflow import FeeRequested, ProcessingResumed, SupplementRequested, Wait
from shared.officers import Officer, OfficerRole


def pause(i: Instance, kind: PauseKind, status: Status, now: datetime) -> None:
    i.pauses.append(Pause(kind=kind, since=now))
    i.status = status


def request_supplement(
    i: Instance, cmd: c.RequestSupplement, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    hold_step(i, who, "yêu cầu bổ sung hồ sơ")
    pause(i, PauseKind.SUPPLEMENT, Status.SUPPLEMENT_REQUESTED, now)
    remaining = rules.calendar.working_days_between(now, i.due_at)
    return [
        SupplementRequested(
            case_code=i.case_code,
            reasons=cmd.reasons,
            missing_documents=cmd.missing_documents,
            requested_at=now,
            requested_by=who.id,
            clock_paused=True,
            remaining_working_days=remaining,
            applicant=i.contact,
        )
    ]


def request_fee(
    i: Instance, cmd: c.RequestFee, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    hold_step(i, who, "yêu cầu nộp phí")
    pause(i, PauseKind.FEE, Status.FEE_REQUESTED, now)
    return [
        FeeRequested(
            case_code=i.case_code, amount_vnd=cmd.amount_vnd, reason=cmd.reason, requested_at=now
        )
    ]


def resume(
    i: Instance, kind: PauseKind, at: datetime, rules: Rules, by: str | None
) -> ProcessingResumed:
    """End the wait: the due date moves by the working days the clock stood still."""
    current = i.open_pause
    if current is None or current.kind is not kind:
        raise IllegalAction(f"hồ sơ không chờ {kind.label} (trạng thái {i.status.value})")
    days = rules.calendar.working_days_between(current.since, at)
    i.pauses[-1] = current.model_copy(update={"until": at, "working_days": days})
    i.paused_working_days += days
    previous_due_at = i.due_at
    i.move_due(rules.calendar, days)
    i.status = Status.IN_PROGRESS
    return ProcessingResumed(
        case_code=i.case_code,
        resumed_at=at,
        wait=Wait(kind.value),
        paused_working_days=days,
        previous_due_at=previous_due_at,
        due_at=i.due_at,
        resumed_by=by,
    )


def supplement_arrived(
    i: Instance, received: SupplementReceived, rules: Rules
) -> tuple[Instance, list[EventData]]:
    """Intake's ``supplement-received``: a copy of the instance with its clock running again."""
    updated = i.model_copy(deep=True)
    at = received.received_at
    resumed = resume(updated, PauseKind.SUPPLEMENT, at, rules, received.received_by)
    updated.record("supplement_received", None, None, at)
    return updated, [resumed]


def record_fee_payment(
    i: Instance, cmd: c.RecordFeePayment, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    require_role(who, {OfficerRole.RECEPTION_CLERK, OfficerRole.SPECIALIST}, "ghi nhận nộp phí")
    return [resume(i, PauseKind.FEE, now, rules, who.id)]
