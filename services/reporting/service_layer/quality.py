"""The Decision 766/QĐ-TTg indicators per agency and period, from the reports' own figures and
the portal records' sync state."""

from dataclasses import dataclass
from typing import Protocol

from services.reporting.domain.period import Period
from services.reporting.domain.quality import AgencyFigures, Measure, measures
from services.reporting.service_layer.queries import (
    AggregateReader,
    Scope,
    one_stop_report,
    satisfaction_report,
)
from shared.events.intake import Satisfaction

SATISFIED_LEVELS = (Satisfaction.SATISFIED, Satisfaction.VERY_SATISFIED)


class PublicityReader(Protocol):
    async def publicity(
        self, first_day: str, last_day: str, agency: str | None
    ) -> dict[str, tuple[int, int]]:
        """Per agency: dossiers received in those days, and those whose progress the portal has
        received in full (nothing pending)."""
        ...


@dataclass(frozen=True)
class QualityRow:
    agency: str
    label: str
    measures: list[Measure]

    def as_dict(self) -> dict[str, object]:
        return {
            "agency": self.agency,
            "label": self.label,
            "indicators": [m.as_dict() for m in self.measures],
        }


async def quality_report(
    reader: AggregateReader, portal: PublicityReader, period: Period, agency: str | None
) -> list[QualityRow]:
    flow = await one_stop_report(reader, period, Scope(agency=agency), "agency")
    ratings = await satisfaction_report(reader, period, agency)
    published = await portal.publicity(period.first_day, period.last_day, agency)
    figures: dict[str, dict[str, int]] = {}
    for row in flow.rows:
        figures.setdefault(row.key, {}).update(
            resolved=row.resolved.total,
            resolved_in_time=row.resolved.early + row.resolved.on_time,
            received_new=row.received.new,
            received_online=row.received.online,
        )
    for sat in ratings:
        satisfied = sum(sat.sums.get(f"overall_{level}", 0) for level in SATISFIED_LEVELS)
        figures.setdefault(sat.agency, {}).update(ratings=sat.ratings, ratings_satisfied=satisfied)
    for code, (received, done) in published.items():
        figures.setdefault(code, {}).update(received_in_period=received, published=done)
    names = await reader.names("agency")
    return [
        QualityRow(code, names.get(code, code), measures(AgencyFigures(**figures[code])))
        for code in sorted(figures)
    ]
