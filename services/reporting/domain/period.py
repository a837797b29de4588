"""A reporting period: whole local days, first and last included."""

from dataclasses import dataclass
from datetime import date

from services.reporting.domain.bounds import MAX_YEAR, MIN_YEAR

# A province's yearly report is the longest a manager asks for; ten years leaves room for trends
# while keeping one request's aggregate read bounded.
MAX_DAYS = 3660


class PeriodError(ValueError):
    """A period that cannot be reported on; ``field`` names the offending query parameter and
    ``reason`` says why, in Vietnamese (it is shown to the manager)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        # Before anything else: a day near date.max has no next day to compute a range with.
        for name, day in (("from", self.start), ("to", self.end)):
            if not MIN_YEAR <= day.year <= MAX_YEAR:
                raise PeriodError(
                    name, f"Năm của ngày '{name}' phải trong khoảng từ {MIN_YEAR} đến {MAX_YEAR}"
                )
        if self.end < self.start:
            raise PeriodError("to", "Ngày kết thúc kỳ báo cáo ('to') trước ngày bắt đầu ('from')")
        if (self.end - self.start).days >= MAX_DAYS:
            raise PeriodError("to", f"Kỳ báo cáo dài quá {MAX_DAYS} ngày")

    def as_of(self, today: date) -> "Period":
        """The part of the period that has happened. Figures "at the period's end" of a period
        that ends in the future are today's: a case due next week is not overdue yet."""
        if self.start > today:
            raise PeriodError("from", "Kỳ báo cáo chưa bắt đầu: ngày bắt đầu ('from') sau hôm nay")
        return Period(self.start, min(self.end, today))

    @property
    def first_day(self) -> str:
        return self.start.isoformat()

    @property
    def last_day(self) -> str:
        return self.end.isoformat()
