"""The working-day arithmetic the workflow needs (a port), and each step's share of the time."""

from datetime import datetime, timedelta
from math import ceil
from typing import Protocol

from shared.calendar import local_date
from shared.events.values import TimeUnit


class WorkingCalendar(Protocol):
    def shift(self, instant: datetime, working_days: int) -> datetime:
        """The same local time ``working_days`` working days later (earlier when negative)."""
        ...

    def on_working_day(self, instant: datetime) -> datetime:
        """The same local time on the first working day from ``instant``'s local date on."""
        ...

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after ``start``'s local date up to and including ``end``'s (0 if none)."""
        ...


def step_due_times(
    calendar: WorkingCalendar,
    received_at: datetime,
    due_at: datetime,
    legal_time: tuple[int, TimeUnit],
    cumulative: list[int],
) -> list[datetime]:
    """Each step is due once its cumulative share of the legal time has elapsed.

    Every step shares the case's due time of day and the last one ends exactly at the appointment;
    shares round up to whole days of the law's unit.
    """
    days, unit = legal_time
    if unit is TimeUnit.CALENDAR_DAYS:
        return _calendar_day_steps(calendar, received_at, due_at, days, cumulative)
    # Counted back from the due time, which is already a working day.
    return [calendar.shift(due_at, ceil(days * share / 100) - days) for share in cumulative]


def _calendar_day_steps(
    calendar: WorkingCalendar,
    received_at: datetime,
    due_at: datetime,
    days: int,
    cumulative: list[int],
) -> list[datetime]:
    # Counted forward from the day of receipt: the case's due date may have been moved past a day
    # off, and each step's own last day moves the same way (Civil Code 2015, art. 148).
    anchor = due_at - timedelta(days=(local_date(due_at) - local_date(received_at)).days)
    return [
        calendar.on_working_day(anchor + timedelta(days=ceil(days * share / 100)))
        for share in cumulative
    ]
