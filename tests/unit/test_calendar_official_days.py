"""The official days off of 2018 to 2026: pinned year by year, and they win over the library."""

from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from shared.calendar import (
    OfficialDaysError,
    WorkingCalendar,
    is_working_day,
    load_official_days,
)

pytestmark = pytest.mark.unit


def md(year: int, *days: str) -> set[date]:
    return {date(year, int(day[:2]), int(day[3:])) for day in days}


# Every Monday-to-Friday day off and every Saturday or Sunday worked, from the official schedules
# (sources in shared/calendar/vn_days_off.yaml).
OFFICIAL: dict[int, tuple[set[date], set[date]]] = {
    2018: (
        md(2018, "01-01", "02-14", "02-15", "02-16", "02-19", "02-20", "04-25", "04-30", "05-01")
        | md(2018, "09-03", "12-31"),
        set(),
    ),
    2019: (
        md(2019, "01-01", "02-04", "02-05", "02-06", "02-07", "02-08", "04-15", "04-29", "04-30")
        | md(2019, "05-01", "09-02"),
        md(2019, "01-05", "05-04"),
    ),
    2020: (
        md(2020, "01-01", "01-23", "01-24", "01-27", "01-28", "01-29", "04-02", "04-30", "05-01")
        | md(2020, "09-02"),
        set(),
    ),
    2021: (
        md(2021, "01-01", "02-10", "02-11", "02-12", "02-15", "02-16", "04-21", "04-30", "05-03")
        | md(2021, "09-02", "09-03"),
        set(),
    ),
    2022: (
        md(2022, "01-03", "01-31", "02-01", "02-02", "02-03", "02-04", "04-11", "05-02", "05-03")
        | md(2022, "09-01", "09-02"),
        set(),
    ),
    2023: (
        md(2023, "01-02", "01-20", "01-23", "01-24", "01-25", "01-26", "05-01", "05-02", "05-03")
        | md(2023, "09-01", "09-04"),
        set(),
    ),
    2024: (
        md(2024, "01-01", "02-08", "02-09", "02-12", "02-13", "02-14", "04-18", "04-29", "04-30")
        | md(2024, "05-01", "09-02", "09-03"),
        md(2024, "05-04"),
    ),
    2025: (
        md(2025, "01-01", "01-27", "01-28", "01-29", "01-30", "01-31", "04-07", "04-30", "05-01")
        | md(2025, "05-02", "09-01", "09-02"),
        md(2025, "04-26"),
    ),
    2026: (
        md(2026, "01-01", "01-02", "02-16", "02-17", "02-18", "02-19", "02-20", "04-27", "04-30")
        | md(2026, "05-01", "08-31", "09-01", "09-02"),
        md(2026, "01-10", "08-22"),
    ),
}


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def weekday_days_off(year: int) -> set[date]:
    return {d for d in days_of(year) if d.weekday() < 5 and not is_working_day(d)}


def weekend_working_days(year: int) -> set[date]:
    return {d for d in days_of(year) if d.weekday() >= 5 and is_working_day(d)}


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_each_year_has_exactly_its_official_days_off_and_make_up_days(year: int) -> None:
    days_off, make_up_days = OFFICIAL[year]
    assert weekday_days_off(year) == days_off
    assert weekend_working_days(year) == make_up_days


def test_the_file_covers_every_year_from_2018_to_2026() -> None:
    assert sorted(load_official_days().years) == list(range(2018, 2027))


def test_the_file_wins_where_the_pinned_library_differs() -> None:
    """holidays 0.108 differs in 2026 only; a library upgrade that changes this is reviewed here."""
    library = holidays.country_holidays("VN", years=range(2017, 2028))

    def library_working(day: date) -> bool:
        return day in library.weekend_workdays or (day.weekday() < 5 and day not in library)

    differences = {
        day: is_working_day(day)
        for year in OFFICIAL
        for day in days_of(year)
        if library_working(day) != is_working_day(day)
    }
    assert differences == {
        date(2026, 1, 2): False,  # New Year swap, missing in the library
        date(2026, 1, 10): True,  # its make-up Saturday
        date(2026, 11, 24): True,  # Ngày Văn hóa Việt Nam: not a statutory day off
    }


def test_years_beyond_the_file_follow_the_library() -> None:
    # Tết Đinh Mùi 2027: lunar new year on Saturday 6/2, statutory days 4/2 to 10/2.
    assert not any(is_working_day(date(2027, 2, day)) for day in range(4, 11))
    assert is_working_day(date(2027, 2, 3)) and is_working_day(date(2027, 2, 11))


def write(tmp_path: Path, years: str) -> Path:
    path = tmp_path / "days_off.yaml"
    path.write_text(f"sources: {{law: 'Bộ luật Lao động'}}\nyears:\n{years}", encoding="utf-8")
    return path


def test_a_listed_year_is_complete(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
  2025:
    days_off: [{date: 2025-06-10, reason: "Nghỉ thử", source: law}]
    working_days: [{date: 2025-06-08, reason: "Làm bù Chủ nhật", source: law}]
""",
    )
    calendar = WorkingCalendar.vietnam(path)
    assert not calendar.is_working_day(date(2025, 6, 10))
    assert calendar.is_working_day(date(2025, 6, 8))
    # Not listed, so a working day although the library has it off.
    assert calendar.is_working_day(date(2025, 5, 2))
    assert not calendar.is_working_day(date(2025, 4, 26))


@pytest.mark.parametrize(
    ("years", "message"),
    [
        (
            """
  2025:
    days_off:
      - {date: 2025-06-10, reason: "a", source: law}
      - {date: 2025-06-10, reason: "a", source: law}
""",
            "days_off lists a date twice",
        ),
        ('  2025: {days_off: [{date: 2025-06-07, reason: "a", source: law}]}', "not a weekday"),
        (
            """
  2025:
    days_off: [{date: 2025-06-10, reason: "a", source: law}]
    working_days: [{date: 2025-06-10, reason: "b", source: law}]
""",
            "not a Saturday or Sunday",
        ),
        ('  2025: {days_off: [{date: 2026-06-10, reason: "a", source: law}]}', "another year"),
        ('  2025: {days_off: [{date: 2025-06-10, reason: "a", source: gazette}]}', "gazette"),
        ('  2025: {days_off: [{date: 2025-06-10, reason: "a"}]}', "source"),
        ('  2025: {days_off: [{date: "10/6/2025", reason: "a", source: law}]}', "date"),
        ("  2025: {holidays: []}", "holidays"),
    ],
)
def test_malformed_files_are_refused_naming_the_file(
    tmp_path: Path, years: str, message: str
) -> None:
    path = write(tmp_path, years)
    with pytest.raises(OfficialDaysError, match=message) as caught:
        load_official_days(path)
    assert str(path) in str(caught.value)
