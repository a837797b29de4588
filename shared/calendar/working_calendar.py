"""Working days of Vietnamese public agencies, and deadlines counted in them.

A working day is Monday to Friday unless it is a public holiday or a declared day off, or a Saturday
the Government declares a make-up working day. Statutory holidays come from the `holidays` library
(country VN); the yearly swaps come from a data file (see swapped_days.py) and win over the library.

Deadline rules (the product brief, PRODUCT.md §5): processing time counts
from the working day after receipt, whatever the hour of receipt; the case is due at the end of
office hours (DUE_TIME, 17:00 Asia/Ho_Chi_Minh) of the n-th working day, and that date is the
appointment printed on the receipt. Time waiting for a supplement or a fee does not count.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

from shared.calendar.swapped_days import SwappedDays, load_swapped_days

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DUE_TIME = time(17, 0)
ONE_DAY = timedelta(days=1)


def local_date(instant: datetime) -> date:
    """The date in Viet Nam at an aware instant, whatever zone it is expressed in."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required, got {instant!r}")
    return instant.astimezone(LOCAL_TZ).date()


def due_instant(day: date) -> datetime:
    """The end of office hours on a due date."""
    return datetime.combine(day, DUE_TIME, tzinfo=LOCAL_TZ)


class WorkingCalendar:
    """Working-day arithmetic over the statutory holidays plus the declared swaps."""

    def __init__(self, swapped: SwappedDays) -> None:
        self._declared_off = swapped.off_dates()
        self._declared_working = swapped.working_dates()
        self._holidays_by_year: dict[int, frozenset[date]] = {}
        self._weekend_workdays_by_year: dict[int, frozenset[date]] = {}

    @classmethod
    def vietnam(cls, swapped_days_file: Path | None = None) -> "WorkingCalendar":
        return cls(load_swapped_days(swapped_days_file))

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = local_date(day)
        if day in self._declared_working:
            return True
        if day in self._declared_off:
            return False
        holidays_of_year, weekend_workdays = self._statutory_year(day.year)
        if day in weekend_workdays:
            return True
        return day.weekday() < 5 and day not in holidays_of_year

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """Due instant of a time limit of `n` working days counted from the day after `start`."""
        if n < 1:
            raise ValueError(f"a time limit is at least one working day, got {n}")
        day = local_date(start)
        for _ in range(n):
            day = self.next_working_day(day)
        return due_instant(day)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days used from `start` to `end`: those after start's date, up to end's date."""
        first, last = local_date(start), local_date(end)
        if last < first:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        return sum(1 for day in _days_after(first, last) if self.is_working_day(day))

    def extend_by_pause(
        self, due: datetime, pause_start: datetime, pause_end: datetime
    ) -> datetime:
        """The due instant moved later by the working days spent waiting (supplement or fee)."""
        paused = self.working_days_between(pause_start, pause_end)
        if paused == 0:
            return due.astimezone(LOCAL_TZ)
        return self.add_working_days(due, paused)

    def _statutory_year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        if year not in self._holidays_by_year:
            # Neighbouring years too: a swap may pair a day with one in the next or previous year.
            statutory = holidays.country_holidays("VN", years=range(year - 1, year + 2))
            self._holidays_by_year[year] = frozenset(d for d in statutory if d.year == year)
            self._weekend_workdays_by_year[year] = frozenset(
                d for d in statutory.weekend_workdays if d.year == year
            )
        return self._holidays_by_year[year], self._weekend_workdays_by_year[year]


def _days_after(first: date, last: date) -> Iterator[date]:
    day = first + ONE_DAY
    while day <= last:
        yield day
        day += ONE_DAY
