"""Step due times of a procedure whose legal time is in calendar days ("ngày")."""

from datetime import UTC, date, datetime

import pytest

from services.workflow.domain.deadlines import step_due_times
from shared.calendar import LOCAL_TZ, add_calendar_days, add_working_days
from shared.events.values import TimeUnit
from tests.unit.test_workflow_support import CALENDAR, opened

pytestmark = pytest.mark.unit

# Monday 25/8/2025, 09:00 in Viet Nam. 97 days later is Sunday 30/11/2025, so the case is due on
# Monday 1/12 (Civil Code 2015, art. 148).
RECEIVED = datetime(2025, 8, 25, 2, 0, tzinfo=UTC)
DUE_97 = add_calendar_days(RECEIVED, 97)


def local_day(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


def test_a_working_day_moves_to_the_next_only_when_it_is_a_day_off() -> None:
    monday = datetime(2025, 9, 1, 3, 0, tzinfo=UTC)  # Quốc khánh, then 2/9 off too
    assert CALENDAR.on_working_day(monday) == datetime(2025, 9, 3, 3, 0, tzinfo=UTC)
    wednesday = datetime(2025, 9, 3, 3, 0, tzinfo=UTC)
    assert CALENDAR.on_working_day(wednesday) == wednesday


def test_calendar_day_steps_end_on_their_share_of_days_moved_off_days_off() -> None:
    assert local_day(DUE_97) == date(2025, 12, 1)
    steps = step_due_times(CALENDAR, RECEIVED, DUE_97, (97, TimeUnit.CALENDAR_DAYS), [30, 70, 100])
    # ceil(29.1) = 30 days: Wednesday 24/9; ceil(67.9) = 68 days: Saturday 1/11 -> Monday 3/11.
    assert [local_day(step) for step in steps] == [
        date(2025, 9, 24),
        date(2025, 11, 3),
        date(2025, 12, 1),
    ]
    assert steps[-1] == DUE_97


def test_working_day_steps_are_counted_back_from_the_due_time_as_before() -> None:
    due = add_working_days(RECEIVED, 10)
    steps = step_due_times(CALENDAR, RECEIVED, due, (10, TimeUnit.WORKING_DAYS), [50, 100])
    assert steps == [CALENDAR.shift(due, -5), due]


def test_an_instance_of_a_calendar_day_procedure_keeps_its_unit_and_due_date() -> None:
    instance = opened(
        received_at=RECEIVED,
        due_at=DUE_97,
        processing_days=97,
        processing_time_unit=TimeUnit.CALENDAR_DAYS,
    )
    assert instance.facts.processing_time_unit is TimeUnit.CALENDAR_DAYS
    assert instance.step_due[-1] == instance.due_at == DUE_97
    assert all(step <= DUE_97 for step in instance.step_due)
