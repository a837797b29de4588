"""Amounts and dates as Vietnamese messages show them."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.notify.domain.formatting import (
    format_date,
    format_datetime,
    format_vnd,
    lookup_link,
    per_period,
)

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


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        # Past Python's last day in Viet Nam's time: counted by hand, never an OverflowError.
        (datetime(9999, 12, 31, 20, 0, tzinfo=UTC), "03:00 01/01/10000"),
        (datetime(9999, 12, 31, 16, 59, tzinfo=UTC), "23:59 31/12/9999"),
        (
            datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))),
            "18:59 01/01/10000",
        ),
        # Before 1906 Viet Nam kept local mean time, +07:06.
        (datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=14))), "17:06 31/12/0000"),
        (datetime(1, 1, 1, 0, 0, tzinfo=UTC), "07:06 01/01/0001"),
    ],
)
def test_any_aware_instant_formats_even_at_the_ends_of_the_calendar(
    instant: datetime, text: str
) -> None:
    assert format_datetime(instant) == text
    assert format_date(instant) == text[6:]


@pytest.mark.parametrize(
    ("label", "suffix"),
    [
        ("Hằng tháng", "/tháng"),
        ("hàng tháng", "/tháng"),
        ("Hằng năm", "/năm"),
        ("Một lần", " một lần"),
        ("MỘT LẦN", " một lần"),
        ("Năm 2025", ""),
        (None, ""),
    ],
)
def test_amounts_say_how_often_the_programme_pays(label: str | None, suffix: str) -> None:
    assert per_period(label) == suffix


def test_the_lookup_link_fills_in_the_case_code() -> None:
    code = "TCH.DAIDONG-250714-0007"
    assert lookup_link("https://x.vn/tra-cuu", code) == f"https://x.vn/tra-cuu?ma={code}"
    assert lookup_link("https://x.vn/tra-cuu?l=vi", code) == f"https://x.vn/tra-cuu?l=vi&ma={code}"
