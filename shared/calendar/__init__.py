"""The working-day calendar of Vietnamese public agencies and the deadline arithmetic built on it.

`DEFAULT_CALENDAR` reads the official days off of vn_days_off.yaml and falls back to the `holidays`
library for the years the file does not cover; the module-level functions are its bound methods.
"""

from shared.calendar.official_days import OfficialDays, OfficialDaysError, load_official_days
from shared.calendar.timeliness import classify_timeliness
from shared.calendar.working_calendar import (
    DUE_TIME,
    LOCAL_TZ,
    WorkingCalendar,
    due_instant,
    local_date,
)
from shared.events.values import Timeliness, TimeUnit

DEFAULT_CALENDAR = WorkingCalendar.vietnam()

is_working_day = DEFAULT_CALENDAR.is_working_day
next_working_day = DEFAULT_CALENDAR.next_working_day
add_working_days = DEFAULT_CALENDAR.add_working_days
add_calendar_days = DEFAULT_CALENDAR.add_calendar_days
add_time = DEFAULT_CALENDAR.add_time
working_days_between = DEFAULT_CALENDAR.working_days_between
extend_by_pause = DEFAULT_CALENDAR.extend_by_pause

__all__ = [
    "DEFAULT_CALENDAR",
    "DUE_TIME",
    "LOCAL_TZ",
    "OfficialDays",
    "OfficialDaysError",
    "TimeUnit",
    "Timeliness",
    "WorkingCalendar",
    "add_calendar_days",
    "add_time",
    "add_working_days",
    "classify_timeliness",
    "due_instant",
    "extend_by_pause",
    "is_working_day",
    "load_official_days",
    "local_date",
    "next_working_day",
    "working_days_between",
]
