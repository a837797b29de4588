"""Report queries: one ``$group`` over the buckets that cover the period, summed by the store.

Whole months come from month buckets and the period's ragged edges from day buckets (see
``spans.py``), so the yearly report of a province sums a few hundred documents, not thousands.
"""

import asyncio
from datetime import date, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.reporting.adapters.mongo_store import Collections
from services.reporting.adapters.serialization import Document
from services.reporting.adapters.spans import Span
from services.reporting.domain.contributions import COUNTERS, Counters


class MongoAggregateReader:
    """``months`` False: the generation predates month buckets, so only day buckets are read."""

    def __init__(
        self, db: AsyncDatabase[Document], collections: Collections, *, months: bool = True
    ) -> None:
        self._aggregates = db[collections.aggregates]
        self._dimensions = db[collections.dimensions]
        self._months = months

    async def sums(
        self,
        kind: str,
        filters: dict[str, str],
        first_day: str | None,
        last_day: str,
        group_by: str,
    ) -> dict[str, Counters]:
        first = date.fromisoformat(first_day) if first_day else None
        return await self._sum(kind, filters, Span(first, date.fromisoformat(last_day)), group_by)

    async def sums_around(
        self, kind: str, filters: dict[str, str], first_day: str, last_day: str, group_by: str
    ) -> tuple[dict[str, Counters], dict[str, Counters]]:
        first, last = date.fromisoformat(first_day), date.fromisoformat(last_day)
        before, within = await asyncio.gather(
            self._sum(kind, filters, Span(None, first - timedelta(days=1)), group_by),
            self._sum(kind, filters, Span(first, last), group_by),
        )
        return before, within

    async def _sum(
        self, kind: str, filters: dict[str, str], span: Span, group_by: str
    ) -> dict[str, Counters]:
        clauses = span.clauses(self._months)
        if not clauses:
            return {}
        match: Document = {"kind": kind, **filters}
        match |= clauses[0] if len(clauses) == 1 else {"$or": clauses}
        sums = {name: {"$sum": f"${name}"} for name in COUNTERS[kind]}
        pipeline: list[dict[str, Any]] = [
            {"$match": match},
            {"$group": {"_id": f"${group_by}", **sums}},
        ]
        cursor = await self._aggregates.aggregate(pipeline)
        return {row["_id"]: counters(row, COUNTERS[kind]) async for row in cursor}

    async def names(self, kind: str) -> dict[str, str]:
        # A scan of a few hundred names, never a secondary index: SecantusDB 0.7.0b3 was seen
        # (once, on a fresh store, a rebuild's generation written by two writers at once) to
        # leave names out of one while the collection held them, so a report refused an agency
        # it knew.
        cursor = self._dimensions.find({"kind": kind}).hint([("$natural", 1)])
        return {doc["code"]: doc["name"] async for doc in cursor}


def counters(row: Document, names: tuple[str, ...]) -> Counters:
    """The non-zero counters of a grouped row (a bucket without a counter sums as 0)."""
    return {name: row[name] for name in names if row.get(name)}
