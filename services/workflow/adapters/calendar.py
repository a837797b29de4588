"""The workflow's deadline arithmetic on top of the shared working-day calendar."""

from datetime import datetime, timedelta

from shared.calendar import DEFAULT_CALENDAR, LOCAL_TZ, WorkingCalendar

# Far more than any legal processing time or pause; guards against a calendar with no working day.
MAX_SCAN_DAYS = 3660


class DeadlineCalendar:
    """Implements the domain's ``WorkingCalendar`` port; adds shifting an instant both ways."""

    def __init__(self, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> None:
        self._calendar = calendar

    def shift(self, instant: datetime, working_days: int) -> datetime:
        local = instant.astimezone(LOCAL_TZ)
        day, step, left = local.date(), (1 if working_days > 0 else -1), abs(working_days)
        for _ in range(MAX_SCAN_DAYS):
            if left == 0:
                moved = datetime.combine(day, local.time(), LOCAL_TZ)
                return moved.astimezone(instant.tzinfo)
            day += timedelta(days=step)
            left -= self._calendar.is_working_day(day)
        raise ValueError(f"no {working_days} working days within {MAX_SCAN_DAYS} days")

    def on_working_day(self, instant: datetime) -> datetime:
        local = instant.astimezone(LOCAL_TZ)
        if self._calendar.is_working_day(local.date()):
            return instant
        day = self._calendar.next_working_day(local.date())
        return datetime.combine(day, local.time(), LOCAL_TZ).astimezone(instant.tzinfo)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        return self._calendar.working_days_between(start, end) if end > start else 0
