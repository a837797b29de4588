"""How each event changes a case's portal record; events the portal is not told about change
nothing. Status numbers are the portal's (``domain/rules.py`` names them)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.reporting.domain.portal import (
    BenefitDecision,
    Dossier,
    Due,
    Fee,
    PortalRecord,
    Rating,
    Result,
    Step,
)
from services.reporting.domain.rules import (
    FEE_REQUESTED,
    IN_PROGRESS,
    NOT_RECEIVED,
    RECEIVED,
    RESOLVED,
    RETURNED,
    STOPPED,
    SUPPLEMENT_REQUESTED,
    WITHDRAWN,
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
    CaseRefused,
    CaseSubmitted,
    ResultReturned,
    SupplementReceived,
)
from shared.events.times import fact_time
from shared.events.workflow import (
    CaseTransferred,
    FeeRequested,
    ProcessingResumed,
    StepCompleted,
    SupplementRequested,
    Wait,
)

Rule = Callable[[PortalRecord, Any, str], None]


def concerns_portal(event: Envelope[Any]) -> bool:
    """Whether the portal's record of a case learns anything from events of this type."""
    return type(event.data) in RULES


def apply_to_record(record: PortalRecord, event: Envelope[Any]) -> PortalRecord | None:
    """The record after ``event``, or None when the portal has nothing new to learn from it.

    Applied once per event: the consumer's processed marks skip redeliveries."""
    rule = RULES.get(type(event.data))
    event_id = str(event.id)
    if rule is None:
        return None
    after = record.model_copy(deep=True)
    rule(after, event.data, event_id)
    status = STATUSES.get(type(event.data))
    if status is not None:
        at = fact_time(event.data) or event.time
        after.progress.append(Step(event_id=event_id, status=status, at=at, agency=agency(event)))
    return None if after == record else after


def agency(event: Envelope[Any]) -> str | None:
    data = event.data
    if isinstance(data, CaseTransferred):
        return data.to_agency_code
    code = getattr(data, "agency_code", None)
    return code if isinstance(code, str) else None


def submitted(record: PortalRecord, data: CaseSubmitted, _: str) -> None:
    record.dossier = Dossier(
        procedure_code=data.procedure_code,
        procedure_name=data.procedure_name,
        agency_code=data.agency_code,
        agency_name=data.agency_name,
        channel=data.channel.value,
        received_at=data.received_at,
        processing_days=data.processing_days,
        time_unit=data.processing_time_unit.value,
        fee_vnd=data.fee_vnd,
        result_delivery=data.result_delivery.value,
    )
    set_due(record, data.due_at, data.received_at)


def refused(record: PortalRecord, data: CaseRefused, _: str) -> None:
    record.refusal_reasons = list(data.reasons)


def resolved(record: PortalRecord, data: CaseResolved, _: str) -> None:
    record.result = Result(
        outcome=data.outcome.value,
        decision_number=data.decision_number,
        resolved_at=data.resolved_at,
        timeliness=data.timeliness.value,
        agency_code=data.agency_code,
    )


def returned(record: PortalRecord, data: ResultReturned, _: str) -> None:
    record.result_returned_at = data.returned_at


def rescheduled(record: PortalRecord, data: AppointmentRescheduled, _: str) -> None:
    set_due(record, data.new_due_at, data.issued_at)


def fee_requested(record: PortalRecord, data: FeeRequested, event_id: str) -> None:
    fee = Fee(
        event_id=event_id,
        amount_vnd=data.amount_vnd,
        reason=data.reason,
        requested_at=data.requested_at,
    )
    record.fees = sorted([*record.fees, fee], key=lambda f: f.requested_at)


def resumed(record: PortalRecord, data: ProcessingResumed, _: str) -> None:
    """The end of a fee's wait is the payment the desk recorded (``/fee-payments``)."""
    set_due(record, data.due_at, data.resumed_at)
    if data.wait is not Wait.FEE:
        return
    unpaid = [f for f in record.fees if f.paid_at is None and f.requested_at <= data.resumed_at]
    if unpaid:
        unpaid[-1].paid_at = data.resumed_at


def payment(record: PortalRecord, data: PaymentApproved, event_id: str) -> None:
    record.benefit_decisions.append(
        BenefitDecision(
            event_id=event_id,
            decision_number=data.decision_number,
            programme_code=data.programme_code,
            amount_vnd=data.amount_vnd,
            approved_at=data.approved_at,
        )
    )


def rated(record: PortalRecord, data: CaseRated, _: str) -> None:
    record.rating = Rating(
        indicators=data.indicators.model_dump(),
        total_points=data.total_points,
        overall=data.overall.value,
        rated_at=data.rated_at,
    )


def set_due(record: PortalRecord, at: datetime, set_at: datetime) -> None:
    """The appointment set by the latest fact, whatever order the facts arrive in."""
    if record.due is None or set_at >= record.due.set_at:
        record.due = Due(at=at, set_at=set_at)


def no_fact(_record: PortalRecord, _data: EventData, _: str) -> None:
    """The event only moves the progress (its status, below)."""


RULES: dict[type[EventData], Rule] = {
    CaseSubmitted: submitted,
    CaseRefused: refused,
    CaseResolved: resolved,
    ResultReturned: returned,
    AppointmentRescheduled: rescheduled,
    FeeRequested: fee_requested,
    ProcessingResumed: resumed,
    PaymentApproved: payment,
    CaseRated: rated,
    StepCompleted: no_fact,
    CaseTransferred: no_fact,
    SupplementRequested: no_fact,
    SupplementReceived: no_fact,
    ProcessingStopped: no_fact,
    CaseWithdrawn: no_fact,
}

# The portal status each event puts the case in (Circular 03/2025/TT-VPCP numbering, 1-10).
STATUSES: dict[type[EventData], int] = {
    CaseSubmitted: RECEIVED,
    CaseRefused: NOT_RECEIVED,
    StepCompleted: IN_PROGRESS,
    CaseTransferred: IN_PROGRESS,
    SupplementRequested: SUPPLEMENT_REQUESTED,
    SupplementReceived: IN_PROGRESS,
    FeeRequested: FEE_REQUESTED,
    ProcessingResumed: IN_PROGRESS,
    CaseWithdrawn: WITHDRAWN,
    ProcessingStopped: STOPPED,
    CaseResolved: RESOLVED,
    ResultReturned: RETURNED,
}
