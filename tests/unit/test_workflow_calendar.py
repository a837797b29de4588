"""Shifting deadlines by working days over the shared Vietnamese calendar."""

from datetime import UTC, datetime

import pytest

from services.workflow.adapters.calendar import DeadlineCalendar

pytestmark = pytest.mark.unit

CALENDAR = DeadlineCalendar()
# Friday 29/8/2025, 17:00 in Viet Nam; Monday 1 and Tuesday 2 September are National Day holidays.
FRIDAY = datetime(2025, 8, 29, 10, 0, tzinfo=UTC)


def test_a_shift_skips_weekends_and_public_holidays_and_keeps_the_time_of_day() -> None:
    assert CALENDAR.shift(FRIDAY, 1) == datetime(2025, 9, 3, 10, 0, tzinfo=UTC)
    assert CALENDAR.shift(datetime(2025, 9, 3, 10, 0, tzinfo=UTC), -1) == FRIDAY
    assert CALENDAR.shift(FRIDAY, 0) == FRIDAY


def test_a_backward_shift_undoes_a_forward_one() -> None:
    for days in range(1, 30):
        assert CALENDAR.shift(CALENDAR.shift(FRIDAY, days), -days) == FRIDAY


def test_working_days_between_count_the_days_after_the_start_up_to_the_end() -> None:
    wednesday = datetime(2025, 9, 3, 1, 0, tzinfo=UTC)
    assert CALENDAR.working_days_between(FRIDAY, wednesday) == 1
    assert CALENDAR.working_days_between(wednesday, FRIDAY) == 0
    assert CALENDAR.working_days_between(FRIDAY, FRIDAY) == 0
