"""When each event's fact happened: the data field the envelope's ``time`` is taken from.

An event is often published later than its fact (a payment decided at the decision, published
at the hand-over; an event applied from another topic), so the envelope carries the fact's time,
never the publishing transaction's. Every event type must name its field here: a test checks it.
"""

from datetime import datetime

from shared.events.envelope import EventData

# Event model name -> the field holding the time of its fact. Names, not classes, so that this
# module imports no event module (the event modules stay free to import anything from here).
FACT_TIME_FIELDS: dict[str, str] = {
    "CaseSubmitted": "received_at",
    "CaseRefused": "refused_at",
    "SupplementReceived": "received_at",
    "ResultReturned": "returned_at",
    "CaseRated": "rated_at",
    "CaseRecorded": "recorded_at",
    "StepCompleted": "completed_at",
    "CaseTransferred": "transferred_at",
    "SupplementRequested": "requested_at",
    "FeeRequested": "requested_at",
    "ProcessingResumed": "resumed_at",
    "AppointmentRescheduled": "issued_at",
    "ProcessingStopped": "stopped_at",
    "CaseWithdrawn": "withdrawn_at",
    "CaseResolved": "resolved_at",
    "PaymentApproved": "approved_at",
    "DeadlineWarning": "detected_at",
    "NotificationSent": "sent_at",
    "NotificationFailed": "failed_at",
}


def fact_time(data: EventData) -> datetime | None:
    """The time of the event's fact, or None for a type that names none."""
    name = FACT_TIME_FIELDS.get(type(data).__name__)
    if name is None:
        return None
    value = getattr(data, name)
    assert isinstance(value, datetime)
    return value
