"""Report queries: one ``$group`` over the day buckets of the period, summed by the store.

Months and years are not stored: a year of one province is a few thousand day buckets, which
the store sums in one pass without sending them over.
"""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.reporting.adapters.mongo_store import Collections
from services.reporting.adapters.serialization import Document
from services.reporting.domain.contributions import COUNTERS, Counters


class MongoAggregateReader:
    def __init__(self, db: AsyncDatabase[Document], collections: Collections) -> None:
        self._aggregates = db[collections.aggregates]
        self._dimensions = db[collections.dimensions]

    async def sums(
        self,
        kind: str,
        filters: dict[str, str],
        first_day: str | None,
        last_day: str,
        group_by: str,
    ) -> dict[str, Counters]:
        days = {"$lte": last_day} | ({"$gte": first_day} if first_day else {})
        sums = {name: {"$sum": f"${name}"} for name in COUNTERS[kind]}
        rows = await self._group(kind, filters, days, f"${group_by}", sums)
        return {row["_id"]: counters(row, COUNTERS[kind]) for row in rows}

    async def sums_around(
        self, kind: str, filters: dict[str, str], first_day: str, last_day: str, group_by: str
    ) -> tuple[dict[str, Counters], dict[str, Counters]]:
        # One pass over every day up to the last, grouped by value and by which side of
        # first_day the day lies: one comparison per bucket rather than one per counter.
        key = {"key": f"${group_by}", "before": {"$lt": ["$day", first_day]}}
        sums = {name: {"$sum": f"${name}"} for name in COUNTERS[kind]}
        rows = await self._group(kind, filters, {"$lte": last_day}, key, sums)
        before: dict[str, Counters] = {}
        within: dict[str, Counters] = {}
        for row in rows:
            side = before if row["_id"]["before"] else within
            side[row["_id"]["key"]] = counters(row, COUNTERS[kind])
        return before, within

    async def _group(
        self, kind: str, filters: dict[str, str], days: Document, key: Any, sums: Document
    ) -> list[Document]:
        pipeline: list[dict[str, Any]] = [
            {"$match": {"kind": kind, **filters, "day": days}},
            {"$group": {"_id": key, **sums}},
        ]
        cursor = await self._aggregates.aggregate(pipeline)
        return [row async for row in cursor]

    async def names(self, kind: str) -> dict[str, str]:
        cursor = self._dimensions.find({"kind": kind})
        return {doc["code"]: doc["name"] async for doc in cursor}


def counters(row: Document, names: tuple[str, ...]) -> Counters:
    """The non-zero counters of a grouped row (a bucket without a counter sums as 0)."""
    return {name: row[name] for name in names if row.get(name)}
