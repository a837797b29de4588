"""The working-day arithmetic the workflow needs (a port), and each step's share of the time."""

from datetime import datetime
from math import ceil
from typing import Protocol


class WorkingCalendar(Protocol):
    def shift(self, instant: datetime, working_days: int) -> datetime:
        """The same local time ``working_days`` working days later (earlier when negative)."""
        ...

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after ``start``'s local date up to and including ``end``'s (0 if none)."""
        ...


def step_due_times(
    calendar: WorkingCalendar, due_at: datetime, processing_days: int, cumulative: list[int]
) -> list[datetime]:
    """Each step is due once its cumulative share of the legal time has elapsed.

    Counted back from the case's due time, so the last step ends exactly at the appointment and
    every step shares its time of day; shares round up to whole working days.
    """
    return [
        calendar.shift(due_at, ceil(processing_days * share / 100) - processing_days)
        for share in cumulative
    ]
