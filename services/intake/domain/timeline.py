"""The citizen-facing history of a case: what happened, when, and the status it left the case in."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from services.intake.domain.status import CaseStatus
from shared.events.values import UtcDatetime


class TimelineEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: UtcDatetime
    status: CaseStatus
    # What happened, in Vietnamese, as the citizen reads it.
    note: str
    # The event behind the entry (a catalogue topic), for support staff.
    event: str


def entry(at: datetime, status: CaseStatus, note: str, event: str) -> TimelineEntry:
    return TimelineEntry(at=at, status=status, note=note, event=event)
