"""Working days and deadlines against the official holiday schedules of 2025 to 2027.

Official schedules are those of /work/shared/reference/procedures-and-calendar-facts.yaml
(python_holidays_vietnam.comparison_with_official_schedules) unless a test says otherwise.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.calendar import (
    DUE_TIME,
    LOCAL_TZ,
    Timeliness,
    add_working_days,
    classify_timeliness,
    extend_by_pause,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.unit


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def due(year: int, month: int, day: int) -> datetime:
    return datetime.combine(date(year, month, day), DUE_TIME, tzinfo=LOCAL_TZ)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        (date(2025, 1, 25), date(2025, 2, 2), "Tết Ất Tỵ: 9 days, CV 8726/VPCP-KGVX"),
        (date(2025, 4, 30), date(2025, 5, 4), "30/4 to 1/5/2025 with Friday 2/5 swapped"),
        (date(2025, 8, 30), date(2025, 9, 2), "Quốc khánh 2025: 1/9 and 2/9 with the weekend"),
        (date(2026, 1, 1), date(2026, 1, 4), "Tết Dương lịch 2026: 4 days, Friday 2/1 swapped"),
        (date(2026, 2, 14), date(2026, 2, 22), "Tết Bính Ngọ: 9 days"),
        # holidays 0.108 models 31/8 swapped for Saturday 22/8 (source cited in the library).
        (date(2026, 8, 29), date(2026, 9, 2), "Quốc khánh 2026: 31/8, 1/9, 2/9 with the weekend"),
        # No official 2027 notice found: Labour Code Art. 112 as the library computes it
        # (lunar new year Saturday 6/2/2027; Saturday and Sunday Tết days moved to 4/2 and 10/2).
        (date(2027, 2, 4), date(2027, 2, 10), "Tết Đinh Mùi, statutory days"),
    ],
)
def test_official_days_off_are_not_working_days(first: date, last: date, reason: str) -> None:
    assert [d for d in days(first, last) if is_working_day(d)] == [], reason


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 24),  # Friday before Tết 2025
        date(2025, 2, 3),  # Monday after Tết 2025
        date(2025, 4, 26),  # Saturday worked for Friday 2/5/2025
        date(2025, 5, 5),
        date(2025, 9, 3),
        date(2026, 1, 10),  # Saturday worked for Friday 2/1/2026
        date(2026, 2, 13),
        date(2026, 2, 23),
        date(2026, 8, 22),  # Saturday worked for Monday 31/8/2026 (holidays 0.108)
        date(2026, 9, 3),
        date(2027, 2, 3),
        date(2027, 2, 11),
    ],
)
def test_days_around_the_holidays_are_working_days(day: date) -> None:
    assert is_working_day(day)


def test_an_ordinary_weekend_is_not_working() -> None:
    assert not is_working_day(date(2025, 6, 7))
    assert not is_working_day(date(2025, 6, 8))
    assert is_working_day(date(2025, 6, 9))


@pytest.mark.parametrize(
    ("received", "n", "expected"),
    [
        (local(2025, 1, 23), 1, due(2025, 1, 24)),
        (local(2025, 1, 23), 2, due(2025, 2, 3)),
        (local(2025, 1, 24, 16, 45), 1, due(2025, 2, 3)),
        (local(2025, 4, 24), 1, due(2025, 4, 25)),
        (local(2025, 4, 24), 2, due(2025, 4, 26)),
        (local(2025, 4, 24), 3, due(2025, 4, 28)),
        (local(2025, 4, 24), 5, due(2025, 5, 5)),
        (local(2025, 8, 29), 1, due(2025, 9, 3)),
        (local(2025, 12, 31), 1, due(2026, 1, 5)),
        (local(2026, 1, 9), 1, due(2026, 1, 10)),
        (local(2026, 1, 9), 2, due(2026, 1, 12)),
        (local(2026, 2, 13), 1, due(2026, 2, 23)),
        (local(2026, 8, 21), 1, due(2026, 8, 22)),
        (local(2026, 8, 28), 1, due(2026, 9, 3)),
        (local(2027, 2, 3), 1, due(2027, 2, 11)),
        # Received on a Saturday (online): counting starts on Monday.
        (local(2025, 6, 7), 1, due(2025, 6, 9)),
    ],
)
def test_due_date_counts_from_the_working_day_after_receipt(
    received: datetime, n: int, expected: datetime
) -> None:
    assert add_working_days(received, n) == expected


def test_receipt_instant_is_read_in_viet_nam_time() -> None:
    # 23:59 on Thursday 24/4/2025 in Viet Nam: counting starts on Friday 25/4.
    assert add_working_days(datetime(2025, 4, 24, 16, 59, tzinfo=UTC), 1) == due(2025, 4, 25)
    # 00:30 on Friday 25/4/2025 in Viet Nam: counting starts on the make-up Saturday 26/4.
    assert add_working_days(datetime(2025, 4, 24, 17, 30, tzinfo=UTC), 1) == due(2025, 4, 26)


def test_due_instant_is_end_of_office_hours_in_viet_nam() -> None:
    result = add_working_days(local(2025, 6, 9), 1)
    assert result.astimezone(UTC) == datetime(2025, 6, 10, 10, 0, tzinfo=UTC)


def test_time_limit_below_one_day_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one working day"):
        add_working_days(local(2025, 6, 9), 0)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(datetime(2025, 6, 9, 10, 0), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_working_day(datetime(2025, 6, 9, 10, 0))


def test_working_days_between_skips_the_2025_holidays() -> None:
    assert working_days_between(local(2025, 4, 24), due(2025, 5, 5)) == 5
    assert working_days_between(local(2025, 4, 24, 8), local(2025, 4, 24, 16)) == 0
    assert working_days_between(local(2025, 1, 24), local(2025, 2, 2)) == 0


def test_working_days_between_refuses_a_reversed_interval() -> None:
    with pytest.raises(ValueError, match="before start"):
        working_days_between(local(2025, 5, 5), local(2025, 5, 2))


def test_waiting_for_a_supplement_moves_the_due_date() -> None:
    received = local(2025, 4, 21)
    due_at = add_working_days(received, 5)
    assert due_at == due(2025, 4, 26)
    # Asked on Tuesday 22/4, brought on Friday 25/4: Wednesday to Friday do not count.
    moved = extend_by_pause(due_at, local(2025, 4, 22, 9), local(2025, 4, 25, 15))
    assert moved == due(2025, 5, 5)


def test_a_pause_within_one_day_leaves_the_due_date() -> None:
    due_at = due(2025, 6, 13)
    assert extend_by_pause(due_at, local(2025, 6, 10, 8), local(2025, 6, 10, 16)) == due_at


@pytest.mark.parametrize(
    ("resolved", "expected"),
    [
        (local(2025, 5, 2), Timeliness.EARLY),  # a day off before the due date still counts
        (local(2025, 4, 29, 16), Timeliness.EARLY),
        (local(2025, 5, 5, 8), Timeliness.ON_TIME),
        (local(2025, 5, 5, 18, 30), Timeliness.ON_TIME),
        (local(2025, 5, 6, 8), Timeliness.LATE),
        (datetime(2025, 5, 5, 17, 30, tzinfo=UTC), Timeliness.LATE),  # 00:30 on 6/5 locally
    ],
)
def test_timeliness_compares_local_dates(resolved: datetime, expected: Timeliness) -> None:
    assert classify_timeliness(resolved, due(2025, 5, 5)) is expected
