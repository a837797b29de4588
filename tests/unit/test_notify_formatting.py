"""Amounts and dates as Vietnamese messages show them."""

from datetime import UTC, date, datetime

import pytest

from services.notify.domain.formatting import format_date, format_datetime, format_vnd

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0 đồng"),
        (999, "999 đồng"),
        (40_000_000, "40.000.000 đồng"),
        (29_180_000_000, "29.180.000.000 đồng"),
    ],
)
def test_vnd_groups_thousands_with_dots(amount: int, text: str) -> None:
    assert format_vnd(amount) == text


@pytest.mark.parametrize("amount", [1.5, True, "1000"])
def test_vnd_refuses_anything_but_whole_numbers(amount: object) -> None:
    with pytest.raises(TypeError):
        format_vnd(amount)  # type: ignore[arg-type]


def test_dates_are_read_in_ho_chi_minh_city() -> None:
    # 18:30 UTC on 31 Dec is already 1 Jan in Vietnam (UTC+7).
    instant = datetime(2025, 12, 31, 18, 30, tzinfo=UTC)
    assert format_date(instant) == "01/01/2026"
    assert format_datetime(instant) == "01:30 01/01/2026"


def test_plain_dates_are_shown_as_they_are() -> None:
    assert format_date(date(2025, 7, 4)) == "04/07/2025"


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError):
        format_date(datetime(2025, 1, 1, 12, 0))
