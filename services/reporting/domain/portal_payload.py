"""The body of one sync request: a case's portal record, its progress in time order."""

from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from services.reporting.domain.portal import PortalRecord, Step
from shared.events.values import ResultDelivery, SubmissionChannel

POSTAL_CHANNEL = SubmissionChannel.POSTAL.value
POSTAL_RESULT = ResultDelivery.POSTAL.value
# Times as the rest of the body has them (pydantic's JSON form).
TIME = TypeAdapter(datetime | None)


def iso(at: datetime | None) -> Any:
    return TIME.dump_python(at, mode="json")


def portal_payload(record: PortalRecord) -> dict[str, Any]:
    steps = sorted(record.progress, key=lambda s: (s.at, s.status))
    body = record.model_dump(mode="json", exclude={"progress", "due"})
    return {
        **body,
        "status": steps[-1].status if steps else None,
        "due_at": iso(record.due.at if record.due else None),
        "progress": [step_json(record, step) for step in steps],
        "postal": postal(record),
    }


def step_json(record: PortalRecord, step: Step) -> dict[str, Any]:
    return {
        "status": step.status,
        "at": iso(step.at),
        "agency": step.agency or holder(record, step.at),
    }


def holder(record: PortalRecord, at: datetime) -> str | None:
    """The agency holding the case at ``at``: the last one it was handed to, else the desk."""
    handed = [s for s in record.progress if s.agency and s.at <= at]
    if handed:
        return max(handed, key=lambda s: s.at).agency
    return record.dossier.agency_code if record.dossier else None


def postal(record: PortalRecord) -> dict[str, Any]:
    """Postal receiving of the dossier and postal sending of the result (no tracking numbers:
    the events carry none)."""
    dossier = record.dossier
    by_post = dossier is not None and dossier.result_delivery == POSTAL_RESULT
    return {
        "dossier_received_by_post": dossier is not None and dossier.channel == POSTAL_CHANNEL,
        "result_sent_by_post": by_post,
        "result_sent_at": iso(record.result_returned_at if by_post else None),
    }
