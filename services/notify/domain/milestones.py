"""Which events a citizen is told about, and what their messages may draw on."""

from typing import Any

from shared.events.envelope import Envelope
from shared.events.values import ApplicantContact

# Catalogue topic -> template set (files services/notify/templates/<name>.*.j2).
MILESTONE_TEMPLATES: dict[str, str] = {
    "case-submitted": "case-submitted",
    "supplement-requested": "supplement-requested",
    "appointment-rescheduled": "appointment-rescheduled",
    "case-resolved": "case-resolved",
    "payment-approved": "payment-approved",
    "processing-stopped": "processing-stopped",
}
MILESTONE_TOPICS = tuple(MILESTONE_TEMPLATES)


def applicant_of(event: Envelope[Any]) -> ApplicantContact:
    """Every milestone event carries the applicant's contact, so one event alone is enough."""
    applicant = getattr(event.data, "applicant", None)
    if not isinstance(applicant, ApplicantContact):
        raise TypeError(f"{event.type} carries no applicant contact")
    return applicant


def message_context(event: Envelope[Any]) -> dict[str, Any]:
    return {
        "case_code": event.subject,
        "data": event.data,
        "applicant": applicant_of(event),
        "event_time": event.time,
    }
