"""How each event type changes the per-case projection (national portal status codes in comments).

Every rule records a fact and checks it against the facts already known; a contradiction raises
``ProjectionError`` so the event is dead-lettered instead of corrupting the figures.
"""

from collections.abc import Callable
from copy import deepcopy
from datetime import datetime
from typing import Any

from services.reporting.domain.bounds import check_bounds
from services.reporting.domain.case import (
    CaseProjection,
    Closure,
    Due,
    Payment,
    ProjectionError,
    Rating,
    Reception,
)
from shared.events.decisions import (
    AppointmentRescheduled,
    CaseResolved,
    CaseWithdrawn,
    PaymentApproved,
    ProcessingStopped,
)
from shared.events.envelope import Envelope, EventData
from shared.events.intake import (
    CaseRated,
    CaseRecorded,
    CaseRefused,
    CaseSubmitted,
    ResultReturned,
    SupplementReceived,
)
from shared.events.values import SubmissionChannel
from shared.events.workflow import (
    DeadlineWarning,
    FeeRequested,
    ProcessingResumed,
    StepCompleted,
    SupplementRequested,
)

NOT_RECEIVED, IN_PROGRESS, SUPPLEMENT_REQUESTED, FEE_REQUESTED = 3, 4, 5, 6
RECEIVED, WITHDRAWN, STOPPED, RESOLVED, RETURNED = 2, 7, 8, 9, 10

Rule = Callable[[CaseProjection, Any, str], None]


def apply_event(case: CaseProjection, event: Envelope[Any]) -> CaseProjection:
    """The projection after ``event``; raises ``ProjectionError`` on a contradiction."""
    after = deepcopy(case)
    rule = RULES.get(type(event.data))
    if rule is not None:
        rule(after, event.data, str(event.id))
    check_bounds(after)
    check_consistent(after)
    return after


def submitted(case: CaseProjection, data: CaseSubmitted, event_id: str) -> None:
    if data.due_at < data.received_at:
        raise ProjectionError("due_at is before received_at")
    receive(case, data, event_id, data.channel)
    if case.status < RECEIVED:
        case.status = RECEIVED


def recorded(case: CaseProjection, data: CaseRecorded, event_id: str) -> None:
    """A dossier of the paper register: received at the desk, decided and perhaps paid, all in
    one event, counted as the live events of such a case would be."""
    receive(case, data, event_id, SubmissionChannel.DIRECT)
    close(case, Closure("resolved", data.resolved_at, event_id, data.timeliness.value))
    if data.payment is not None:
        paid, at = data.payment, data.resolved_at
        case.payments.append(
            Payment(event_id, paid.programme_code, data.agency_code, paid.amount_vnd, at)
        )
    case.result_returned_at = data.returned_at
    case.status = RESOLVED if data.returned_at is None else RETURNED


def receive(
    case: CaseProjection,
    data: CaseSubmitted | CaseRecorded,
    event_id: str,
    channel: SubmissionChannel,
) -> None:
    """The reception's facts, known once per case."""
    if case.submitted_event is not None:
        raise ProjectionError(f"case {case.case_code} was already submitted")
    case.submitted_event = event_id
    case.reception = Reception(
        agency=data.agency_code,
        agency_name=data.agency_name,
        field=data.field,
        procedure=data.procedure_code,
        procedure_name=data.procedure_name,
        channel=channel.value,
        received_at=data.received_at,
    )
    set_due(case, data.due_at, data.received_at)


def resolved(case: CaseProjection, data: CaseResolved, event_id: str) -> None:
    close(case, Closure("resolved", data.resolved_at, event_id, data.timeliness.value))
    case.status = max(case.status, RESOLVED)


def stopped(case: CaseProjection, data: ProcessingStopped, event_id: str) -> None:
    close(case, Closure("stopped", data.stopped_at, event_id))
    case.status = STOPPED if case.status < RESOLVED else case.status


def withdrawn(case: CaseProjection, data: CaseWithdrawn, event_id: str) -> None:
    """The applicant withdrew (status 7): processing ends as with a stop, but the report counts
    it apart ("rút hồ sơ"), since the agency did not decide it."""
    close(case, Closure("withdrawn", data.withdrawn_at, event_id))
    case.status = WITHDRAWN if case.status < RESOLVED else case.status


def refused(case: CaseProjection, _data: CaseRefused, _event_id: str) -> None:
    """The desk refused an online dossier (status 3). It was never received (no case-submitted
    exists for it), so Biểu 06, which counts dossiers received, has no place for it: the
    projection keeps the status and the case adds to no figure."""
    case.status = NOT_RECEIVED


def close(case: CaseProjection, closure: Closure) -> None:
    if case.closure is not None:
        raise ProjectionError(
            f"case {case.case_code} was already {case.closure.kind} at {case.closure.at}"
        )
    case.closure = closure


def rescheduled(case: CaseProjection, data: AppointmentRescheduled, _: str) -> None:
    set_due(case, data.new_due_at, data.issued_at)


def resumed(case: CaseProjection, data: ProcessingResumed, _: str) -> None:
    set_due(case, data.due_at, data.resumed_at)
    if case.closure is None:
        case.status = IN_PROGRESS


def deadline_warning(case: CaseProjection, data: DeadlineWarning, _: str) -> None:
    set_due(case, data.due_at, data.detected_at)


def set_due(case: CaseProjection, due_at: datetime, set_at: datetime) -> None:
    """Keep the appointment set by the latest fact, whatever order the facts arrive in."""
    if case.due is None or set_at >= case.due.set_at:
        case.due = Due(due_at, set_at)


def result_returned(case: CaseProjection, data: ResultReturned, _: str) -> None:
    case.result_returned_at = data.returned_at
    case.status = RETURNED


def payment(case: CaseProjection, data: PaymentApproved, event_id: str) -> None:
    case.payments.append(
        Payment(event_id, data.programme_code, data.agency_code, data.amount_vnd, data.approved_at)
    )


def rated(case: CaseProjection, data: CaseRated, event_id: str) -> None:
    case.ratings.append(
        Rating(
            event_id,
            data.agency_code,
            data.rated_at,
            data.indicators.model_dump(),
            data.total_points,
            data.overall.value,
        )
    )


def status_only(status: int) -> Rule:
    def rule(case: CaseProjection, _data: EventData, _event_id: str) -> None:
        if case.closure is None:
            case.status = status

    return rule


def check_consistent(case: CaseProjection) -> None:
    """Facts that may arrive in any order must still agree once both are known."""
    if case.reception is None:
        return
    if case.status == NOT_RECEIVED:
        raise ProjectionError(f"case {case.case_code} was both refused and received")
    received = case.reception.received_at
    if case.closure is not None and case.closure.at < received:
        raise ProjectionError(
            f"case {case.case_code} {case.closure.kind} at {case.closure.at.isoformat()}, "
            f"before it was received at {received.isoformat()}"
        )
    if case.result_returned_at is not None and case.result_returned_at < received:
        raise ProjectionError(f"case {case.case_code} result returned before it was received")
    if case.due is not None and case.due.at < received:
        raise ProjectionError(f"case {case.case_code} is due before it was received")


RULES: dict[type[EventData], Rule] = {
    CaseSubmitted: submitted,
    CaseRecorded: recorded,
    CaseResolved: resolved,
    ProcessingStopped: stopped,
    CaseWithdrawn: withdrawn,
    CaseRefused: refused,
    AppointmentRescheduled: rescheduled,
    DeadlineWarning: deadline_warning,
    ProcessingResumed: resumed,
    ResultReturned: result_returned,
    PaymentApproved: payment,
    CaseRated: rated,
    SupplementRequested: status_only(SUPPLEMENT_REQUESTED),
    FeeRequested: status_only(FEE_REQUESTED),
    SupplementReceived: status_only(IN_PROGRESS),
    StepCompleted: status_only(IN_PROGRESS),
}
