"""Payments per programme and satisfaction per agency, from summed aggregate counters."""

from dataclasses import dataclass

from services.reporting.domain.contributions import INDICATORS, OVERALL, Counters
from services.reporting.domain.report import percent


@dataclass(frozen=True)
class PaymentRow:
    programme: str
    label: str
    beneficiaries: int
    amount_vnd: int

    def as_dict(self) -> dict[str, object]:
        return {
            "programme": self.programme,
            "label": self.label,
            "beneficiaries": self.beneficiaries,
            "amount_vnd": self.amount_vnd,
        }


def payment_row(programme: str, label: str, sums: Counters) -> PaymentRow:
    return PaymentRow(programme, label, sums.get("beneficiaries", 0), sums.get("amount_vnd", 0))


@dataclass(frozen=True)
class SatisfactionRow:
    agency: str
    label: str
    sums: Counters

    @property
    def ratings(self) -> int:
        return self.sums.get("ratings", 0)

    def average(self, counter: str) -> float:
        return round(self.sums.get(counter, 0) / self.ratings, 2) if self.ratings else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "agency": self.agency,
            "label": self.label,
            "ratings": self.ratings,
            "average_points": self.average("points"),
            "indicators": {name: self.average(f"ind_{name}") for name in INDICATORS},
            "overall": {
                level: {
                    "count": self.sums.get(f"overall_{level}", 0),
                    "pct": percent(self.sums.get(f"overall_{level}", 0), self.ratings),
                }
                for level in OVERALL
            },
        }
