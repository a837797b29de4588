"""Which events a citizen is told about, and what their messages may draw on."""

import re
from dataclasses import dataclass, field
from typing import Any

from services.notify.domain.contacts import Addressee
from shared.events.envelope import Envelope
from shared.events.intake import PhoneChannel
from shared.events.values import Applicant, ApplicantContact, ApplicantKind

# Catalogue topic -> template set (files services/notify/templates/<name>.*.j2).
MILESTONE_TEMPLATES: dict[str, str] = {
    "case-submitted": "case-submitted",
    "supplement-requested": "supplement-requested",
    "appointment-rescheduled": "appointment-rescheduled",
    "case-resolved": "case-resolved",
    "payment-approved": "payment-approved",
    "processing-stopped": "processing-stopped",
    # Status 3: the desk refused an online dossier; status 7: the applicant withdrew it.
    "case-refused": "case-refused",
    "case-withdrawn": "case-withdrawn",
}
MILESTONE_TOPICS = tuple(MILESTONE_TEMPLATES)


def applicant_of(event: Envelope[Any]) -> ApplicantContact:
    """Every milestone event carries the applicant's contact, so one event alone is enough."""
    applicant = getattr(event.data, "applicant", None)
    if not isinstance(applicant, ApplicantContact):
        raise TypeError(f"{event.type} carries no applicant contact")
    return applicant


# How a result reaches the citizen (``_macros.j2`` words each); the desk unless the case says.
RESULT_DELIVERIES = ("desk", "postal", "online")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def message_context(event: Envelope[Any], kind: ApplicantKind | None = None) -> dict[str, Any]:
    """What the templates draw on. ``kind`` is the applicant's as the case's receipt said, for
    the events that do not say it themselves; a person's when not known."""
    told = receipt_of(event.data)
    kind = told.applicant_kind if told else kind
    return {
        "case_code": event.subject,
        "data": event.data,
        "applicant": applicant_of(event),
        "addressee": Addressee(kind or ApplicantKind.INDIVIDUAL),
        "event_time": event.time,
        "procedure": procedure_for_sms(event.data),
        "result_delivery": result_delivery_of(event.data),
    }


def procedure_for_sms(data: object) -> str | None:
    """The catalogue's short name of the procedure; without one (events before it existed), the
    full name without its parenthesised asides, which the renderer cuts further if need be."""
    short = getattr(data, "procedure_short_name", None)
    if isinstance(short, str) and short.strip():
        return short.strip()
    full = getattr(data, "procedure_name", None)
    if not isinstance(full, str):
        return None
    return " ".join(_PARENTHESES.sub("", full).split()) or full


def result_delivery_of(data: object) -> str:
    """How the result is returned, when the event says so (an optional ``result_delivery`` of
    desk, postal or online); otherwise at the desk, where every result can be collected."""
    said = getattr(data, "result_delivery", None)
    return str(said) if str(said) in RESULT_DELIVERIES else "desk"


def phone_channels_of(data: object) -> list[PhoneChannel] | None:
    """The phone channels chosen at receipt, on the event that carries them (``case-submitted``'s
    optional ``phone_channels``); None on every other event and on receipts without the choice."""
    chosen = getattr(data, "phone_channels", None)
    return [PhoneChannel(c) for c in chosen] if isinstance(chosen, list) and chosen else None


@dataclass(frozen=True)
class Receipt:
    """What a case's receipt (``case-submitted``) says that its later events do not carry, kept
    per case: the phone channels chosen, and whether the applicant is a person or an
    organisation. The defaults are what a case received before either existed had."""

    phone_channels: list[PhoneChannel] = field(default_factory=lambda: [PhoneChannel.SMS])
    applicant_kind: ApplicantKind = ApplicantKind.INDIVIDUAL


def receipt_of(data: object) -> Receipt | None:
    """The receipt an event tells of: only ``case-submitted`` does, its applicant being a whole
    ``Applicant`` (the other events carry a contact only); None for every other event."""
    applicant = getattr(data, "applicant", None)
    if not isinstance(applicant, Applicant):
        return None
    return Receipt(phone_channels_of(data) or [PhoneChannel.SMS], applicant.kind)


def agency_of(event: Envelope[Any]) -> str:
    """The agency acting on the case: the event's own ``agency_code`` where it has one, else the
    receiving agency that begins the case code (``{agency}-{yyMMdd}-{NNNN}``)."""
    code = getattr(event.data, "agency_code", None)
    return code if isinstance(code, str) and code else event.subject.rsplit("-", 2)[0]
