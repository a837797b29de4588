"""The buckets chosen for a span of days cover each of its days exactly once."""

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from services.reporting.adapters.serialization import bucket_updates, month_key
from services.reporting.adapters.spans import Span
from services.reporting.domain.contributions import BucketKey

ORIGIN = date(2017, 11, 1)
HORIZON = [ORIGIN + timedelta(days=n) for n in range(800)]


def covered(clauses: list[dict[str, dict[str, str]]]) -> Counter[date]:
    """How many times each day of the horizon is counted by the clauses."""
    seen: Counter[date] = Counter()
    for clause in clauses:
        ((grain, bounds),) = clause.items()
        for day in HORIZON:
            value = day.isoformat() if grain == "day" else month_key(day.isoformat())
            if grain == "month" and day.day != 1:
                continue  # a month bucket counts its days once: let its first day stand for it
            if bounds.get("$gte", "") <= value <= bounds["$lte"]:
                seen.update(_days_of(day) if grain == "month" else [day])
    return seen


def _days_of(first: date) -> list[date]:
    return [d for d in HORIZON if (d.year, d.month) == (first.year, first.month)]


def expected(span: Span) -> Counter[date]:
    return Counter(d for d in HORIZON if (span.first is None or d >= span.first) and d <= span.last)


@pytest.mark.parametrize(
    ("first", "last", "grains"),
    [
        (date(2018, 1, 1), date(2018, 12, 31), ["month"]),
        (date(2018, 1, 15), date(2018, 1, 20), ["day"]),
        (date(2018, 1, 15), date(2018, 3, 10), ["month", "day", "day"]),
        (None, date(2018, 3, 31), ["month"]),
        (None, date(2018, 3, 30), ["month", "day"]),
    ],
)
def test_whole_months_come_from_month_buckets(
    first: date | None, last: date, grains: list[str]
) -> None:
    clauses = Span(first, last).clauses(months=True)
    assert [next(iter(c)) for c in clauses] == grains
    assert covered(clauses) == expected(Span(first, last))


def test_every_span_is_covered_exactly_once() -> None:
    rng = random.Random(7)
    for _ in range(400):
        a, b = sorted(rng.sample(range(60, 740), 2))
        first = None if rng.random() < 0.2 else HORIZON[a]
        span = Span(first, HORIZON[b])
        assert covered(span.clauses(months=True)) == expected(span)
        assert covered(span.clauses(months=False)) == expected(span)


def test_an_empty_span_selects_nothing() -> None:
    assert Span(date(2018, 2, 1), date(2018, 1, 31)).clauses(months=True) == []


def test_a_change_is_written_to_its_day_and_its_month_once() -> None:
    dims = (("agency", "A"), ("field", "F"), ("procedure", "P"))
    delta = {
        BucketKey("flow", dims, "2018-03-05"): {"received": 2, "closed": 0},
        BucketKey("flow", dims, "2018-03-09"): {"received": 1, "closed": 1},
        BucketKey("flow", dims, "2018-04-01"): {"received": -1},
    }
    updates = dict(bucket_updates(delta))
    assert updates["flow|A|F|P|2018-03"] == {
        "$inc": {"closed": 1, "received": 3},
        "$setOnInsert": {
            "kind": "flow",
            "agency": "A",
            "field": "F",
            "procedure": "P",
            "month": "2018-03",
        },
    }
    assert updates["flow|A|F|P|2018-03-05"]["$inc"] == {"received": 2}
    assert updates["flow|A|F|P|2018-04"]["$inc"] == {"received": -1}
    assert list(updates) == sorted(updates)
    assert len(updates) == 5
