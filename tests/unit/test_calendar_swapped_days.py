"""The swapped-days data file: it overrides the library and is checked when read."""

from datetime import date
from pathlib import Path

import pytest

from shared.calendar import SwappedDaysError, WorkingCalendar, load_swapped_days

pytestmark = pytest.mark.unit


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "swapped.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_names_a_source_for_every_entry() -> None:
    swapped = load_swapped_days()
    entries = swapped.days_off + swapped.working_days
    assert {entry.day for entry in entries} >= {
        date(2025, 5, 2),
        date(2025, 4, 26),
        date(2026, 1, 2),
        date(2026, 1, 10),
    }
    assert all(entry.source and entry.reason for entry in entries)


def test_declared_days_win_over_the_library(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
days_off:
  - {date: 2025-06-10, reason: "Nghỉ thử", source: "test"}
working_days:
  - {date: 2025-09-02, reason: "Làm thử", source: "test"}
  - {date: 2025-06-08, reason: "Làm bù Chủ nhật", source: "test"}
""",
    )
    calendar = WorkingCalendar.vietnam(path)
    assert not calendar.is_working_day(date(2025, 6, 10))
    assert calendar.is_working_day(date(2025, 9, 2))
    assert calendar.is_working_day(date(2025, 6, 8))
    # Without the file's entry the library's 2025 swap still applies.
    assert not calendar.is_working_day(date(2025, 5, 2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            """
days_off: [{date: 2025-06-10, reason: "a", source: "s"}]
working_days: [{date: 2025-06-10, reason: "b", source: "s"}]
""",
            "both off and working: 2025-06-10",
        ),
        (
            """
days_off:
  - {date: 2025-06-10, reason: "a", source: "s"}
  - {date: 2025-06-10, reason: "a", source: "s"}
""",
            "days_off lists a date twice",
        ),
        ('days_off: [{date: 2025-06-10, reason: "a"}]', "source"),
        ('days_off: [{date: "10/6/2025", reason: "a", source: "s"}]', "date"),
        ("holidays: []", "holidays"),
    ],
)
def test_malformed_files_are_refused_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SwappedDaysError, match=message) as caught:
        load_swapped_days(path)
    assert str(path) in str(caught.value)
