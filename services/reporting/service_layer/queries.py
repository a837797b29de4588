"""The reports, answered from aggregate sums (never from a scan of the cases)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from services.reporting.domain.benefits import (
    PaymentRow,
    SatisfactionRow,
    payment_row,
)
from services.reporting.domain.contributions import Counters
from services.reporting.domain.period import Period
from services.reporting.domain.report import OneStopRow, one_stop_row

TOTAL_KEY = "total"
TOTAL_LABEL = "Tổng cộng"


class UnknownDimension(LookupError):
    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field} {code!r} is unknown")
        self.field = field
        self.code = code


@dataclass(frozen=True)
class Scope:
    """Which cases a report covers: an agency, a field, a procedure, or any combination."""

    agency: str | None = None
    field: str | None = None
    procedure: str | None = None

    def filters(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v is not None}


class AggregateReader(Protocol):
    async def sums(
        self,
        kind: str,
        filters: dict[str, str],
        first_day: str | None,
        last_day: str,
        group_by: str,
    ) -> dict[str, Counters]:
        """Counters of ``kind`` buckets summed per value of ``group_by``, days inclusive."""
        ...

    async def sums_around(
        self, kind: str, filters: dict[str, str], first_day: str, last_day: str, group_by: str
    ) -> tuple[dict[str, Counters], dict[str, Counters]]:
        """Like ``sums``, in one pass: for the days before ``first_day``, and from it to
        ``last_day``."""
        ...

    async def names(self, kind: str) -> dict[str, str]:
        """Code to Vietnamese name of every agency, field or procedure seen."""
        ...


@dataclass(frozen=True)
class OneStopReport:
    period: Period
    scope: Scope
    group_by: str
    rows: list[OneStopRow]
    total: OneStopRow


async def check_scope(reader: AggregateReader, scope: Scope) -> None:
    for field, code in scope.filters().items():
        if code not in await reader.names(field):
            raise UnknownDimension(field, code)


async def one_stop_report(
    reader: AggregateReader, period: Period, scope: Scope, group_by: str = "procedure"
) -> OneStopReport:
    await check_scope(reader, scope)
    filters = scope.filters()
    before, within = await reader.sums_around(
        "flow", filters, period.first_day, period.last_day, group_by
    )
    names = await reader.names(group_by)
    rows = [
        one_stop_row(key, names.get(key, key), before.get(key, {}), within.get(key, {}))
        for key in sorted(set(before) | set(within))
    ]
    total = one_stop_row(TOTAL_KEY, TOTAL_LABEL, add_up(before.values()), add_up(within.values()))
    visible = [r for r in rows if r.received.total or r.resolved.total or r.stopped or r.withdrawn]
    return OneStopReport(period, scope, group_by, visible, total)


async def payments_report(
    reader: AggregateReader, period: Period, agency: str | None, labels: dict[str, str]
) -> list[PaymentRow]:
    filters = {"agency": agency} if agency else {}
    if agency:
        await check_scope(reader, Scope(agency=agency))
    sums = await reader.sums("pay", filters, period.first_day, period.last_day, "programme")
    return [payment_row(code, labels.get(code, code), sums[code]) for code in sorted(sums)]


async def satisfaction_report(
    reader: AggregateReader, period: Period, agency: str | None
) -> list[SatisfactionRow]:
    filters = {"agency": agency} if agency else {}
    if agency:
        await check_scope(reader, Scope(agency=agency))
    sums = await reader.sums("sat", filters, period.first_day, period.last_day, "agency")
    names = await reader.names("agency")
    return [SatisfactionRow(code, names.get(code, code), sums[code]) for code in sorted(sums)]


def add_up(counters: Iterable[Counters]) -> Counters:
    total: Counters = {}
    for sums in counters:
        for name, value in sums.items():
            total[name] = total.get(name, 0) + value
    return total
