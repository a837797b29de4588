"""The working-day calendar of Vietnamese public agencies and the deadline arithmetic built on it.

`DEFAULT_CALENDAR` uses the `holidays` library for statutory holidays and vn_swapped_days.yaml for
the yearly swaps; the module-level functions are its bound methods.
"""

from shared.calendar.swapped_days import SwappedDays, SwappedDaysError, load_swapped_days
from shared.calendar.timeliness import classify_timeliness
from shared.calendar.working_calendar import (
    DUE_TIME,
    LOCAL_TZ,
    WorkingCalendar,
    due_instant,
    local_date,
)
from shared.events.values import Timeliness

DEFAULT_CALENDAR = WorkingCalendar.vietnam()

is_working_day = DEFAULT_CALENDAR.is_working_day
next_working_day = DEFAULT_CALENDAR.next_working_day
add_working_days = DEFAULT_CALENDAR.add_working_days
working_days_between = DEFAULT_CALENDAR.working_days_between
extend_by_pause = DEFAULT_CALENDAR.extend_by_pause

__all__ = [
    "DEFAULT_CALENDAR",
    "DUE_TIME",
    "LOCAL_TZ",
    "SwappedDays",
    "SwappedDaysError",
    "Timeliness",
    "WorkingCalendar",
    "add_working_days",
    "classify_timeliness",
    "due_instant",
    "extend_by_pause",
    "is_working_day",
    "load_swapped_days",
    "local_date",
    "next_working_day",
    "working_days_between",
]
