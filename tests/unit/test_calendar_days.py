"""Legal times in calendar days ("ngày"): Civil Code 2015 art. 148 on the last day."""

from datetime import date, datetime, timedelta

import pytest

from shared.calendar import (
    DUE_TIME,
    LOCAL_TZ,
    TimeUnit,
    add_calendar_days,
    add_time,
    add_working_days,
    is_working_day,
)

pytestmark = pytest.mark.unit


def local(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


def due(year: int, month: int, day: int) -> datetime:
    return datetime.combine(date(year, month, day), DUE_TIME, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("received", "expected", "why"),
    [
        # 97 days after Thursday 2/1/2025 is Thursday 9/4/2025, a working day: Tết and Giỗ Tổ on
        # the way do not count against it.
        (local(2025, 1, 2), due(2025, 4, 9), "last day a working day"),
        # 97 days after Wednesday 1/10/2025 is Tuesday 6/1/2026.
        (local(2025, 10, 1), due(2026, 1, 6), "last day a working day"),
        # 97 days after Tuesday 26/8/2025 is Monday 1/12/2025.
        (local(2025, 8, 26), due(2025, 12, 1), "last day a working day"),
        # 97 days after Monday 25/8/2025 is Sunday 30/11/2025: moved to Monday 1/12.
        (local(2025, 8, 25), due(2025, 12, 1), "last day a Sunday"),
        # 97 days after Friday 26/9/2025 is Thursday 1/1/2026, Tết Dương lịch, then Friday 2/1
        # (swapped off) and the weekend: moved to Monday 5/1/2026.
        (local(2025, 9, 26), due(2026, 1, 5), "last day a holiday"),
        # 97 days after Friday 12/11/2021 is Thursday 17/2/2022, a working day after Tết.
        (local(2021, 11, 12), due(2022, 2, 17), "last day a working day"),
    ],
)
def test_a_97_day_time_ends_97_calendar_days_later_or_on_the_next_working_day(
    received: datetime, expected: datetime, why: str
) -> None:
    last_day = received.date() + timedelta(days=97)
    assert add_calendar_days(received, 97) == expected, why
    assert (expected.date() == last_day) == is_working_day(last_day), why


def test_a_calendar_day_time_counts_days_off_a_working_day_time_does_not() -> None:
    received = local(2026, 2, 12)  # Thursday before Tết Bính Ngọ
    assert add_time(received, 15, TimeUnit.CALENDAR_DAYS) == due(2026, 2, 27)
    assert add_time(received, 15, TimeUnit.WORKING_DAYS) == add_working_days(received, 15)
    # Friday 13/2, then nothing during Tết (16/2 to 20/2), then 14 days from Monday 23/2.
    assert add_working_days(received, 15) == due(2026, 3, 12)


def test_a_calendar_day_time_below_one_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        add_calendar_days(local(2025, 6, 9), 0)


def test_the_units_print_as_the_law_writes_them() -> None:
    assert (TimeUnit.WORKING_DAYS.label, TimeUnit.CALENDAR_DAYS.label) == ("ngày làm việc", "ngày")
