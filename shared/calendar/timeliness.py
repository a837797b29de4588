"""Whether a case or a step finished early, on time or late against its due date."""

from datetime import datetime

from shared.calendar.working_calendar import local_date
from shared.events.values import Timeliness


def classify_timeliness(resolved_at: datetime, due_at: datetime) -> Timeliness:
    """Compare local dates, as the control slip and tracking book do.

    Early (trước hạn) is any day before the due date, on time (đúng hạn) is the due date itself,
    even after office hours, and late (quá hạn) starts the next day.
    """
    resolved, due = local_date(resolved_at), local_date(due_at)
    if resolved < due:
        return Timeliness.EARLY
    if resolved == due:
        return Timeliness.ON_TIME
    return Timeliness.LATE
