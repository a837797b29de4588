"""Invariants of the deadline arithmetic, over any receipt instant from 2024 to 2027."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.calendar import (
    DUE_TIME,
    LOCAL_TZ,
    add_working_days,
    extend_by_pause,
    is_working_day,
    local_date,
    working_days_between,
)

pytestmark = pytest.mark.unit

ZONES = [UTC, LOCAL_TZ, timezone(timedelta(hours=-5)), timezone(timedelta(hours=14))]
instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from(ZONES),
)
limits = st.integers(min_value=1, max_value=45)
# The first use of a year builds its holidays; that is not what these tests time.
patient = settings(deadline=None)


@patient
@given(start=instants, n=limits)
def test_due_is_a_working_day_at_end_of_office_hours(start: datetime, n: int) -> None:
    result = add_working_days(start, n)
    assert is_working_day(result.date())
    assert result.tzinfo is LOCAL_TZ
    assert result.timetz().replace(tzinfo=None) == DUE_TIME
    assert result.date() > local_date(start)


@patient
@given(start=instants, n=limits)
def test_due_grows_with_the_time_limit(start: datetime, n: int) -> None:
    assert add_working_days(start, n + 1) > add_working_days(start, n)


@patient
@given(start=instants, n=limits)
def test_between_inverts_add(start: datetime, n: int) -> None:
    assert working_days_between(start, add_working_days(start, n)) == n


@patient
@given(start=instants, n=limits, pause=st.tuples(instants, instants))
def test_a_pause_never_shortens_and_adds_exactly_the_paused_days(
    start: datetime, n: int, pause: tuple[datetime, datetime]
) -> None:
    pause_start, pause_end = sorted(pause)
    due_at = add_working_days(start, n)
    moved = extend_by_pause(due_at, pause_start, pause_end)
    paused = working_days_between(pause_start, pause_end)
    assert moved >= due_at
    assert is_working_day(moved.date())
    assert working_days_between(due_at, moved) == paused
