"""Working days of Vietnamese public agencies, and deadlines counted in them.

A working day is Monday to Friday unless it is a public holiday or a declared day off, or a Saturday
the Government declares a make-up working day. For the years of vn_days_off.yaml (official_days.py)
the file alone decides; other years fall back to the `holidays` library (statutory days only).

Deadline rules (the product brief, PRODUCT.md §5): a time in working days counts from the working
day after receipt, whatever the hour of receipt; a time in calendar days counts calendar days from
the day after receipt and, when its last day is not a working day, ends on the next working day
(Civil Code 2015, art. 148). The case is due at the end of office hours (DUE_TIME, 17:00
Asia/Ho_Chi_Minh) of that day, the appointment printed on the receipt. Time waiting for a
supplement or a fee does not count.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

from shared.calendar.official_days import OfficialDays, load_official_days
from shared.events.values import TimeUnit

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
    """Working-day arithmetic over the official years, the library beyond them."""

    def __init__(self, official: OfficialDays) -> None:
        self._official_years = frozenset(official.years)
        self._declared_off = official.off_dates()
        self._declared_working = official.working_dates()
        self._holidays_by_year: dict[int, frozenset[date]] = {}
        self._weekend_workdays_by_year: dict[int, frozenset[date]] = {}

    @classmethod
    def vietnam(cls, days_off_file: Path | None = None) -> "WorkingCalendar":
        return cls(load_official_days(days_off_file))

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = local_date(day)
        if day.year in self._official_years:
            if day.weekday() < 5:
                return day not in self._declared_off
            return day in self._declared_working
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

    def add_calendar_days(self, start: datetime, n: int) -> datetime:
        """Due instant of a time limit of `n` calendar days counted from the day after `start`.

        A last day that is a weekend or a day off moves to the next working day (Civil Code 2015,
        art. 148); a last day that is a working day stays, even after a holiday on the way.
        """
        if n < 1:
            raise ValueError(f"a time limit is at least one day, got {n}")
        day = local_date(start) + timedelta(days=n)
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        return due_instant(day)

    def add_time(self, start: datetime, n: int, unit: TimeUnit) -> datetime:
        """Due instant of a legal time of `n` days in the law's unit."""
        if unit is TimeUnit.CALENDAR_DAYS:
            return self.add_calendar_days(start, n)
        return self.add_working_days(start, n)

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
