"""Report queries on the aggregate rows: one ``find`` per question, summed as the rows stream in.

Not ``$group``: FerretDB 1.24 computes only the first ``$sum`` accumulator of a ``$group`` (the
others come back 0), so a report would need one pipeline, and one pass over the rows, per counter.
"""

from pymongo.asynchronous.cursor import AsyncCursor
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
        out: dict[str, Counters] = {}
        async for row in self._rows(kind, filters, days, group_by):
            add_row(out, row, group_by, COUNTERS[kind])
        return out

    async def sums_around(
        self, kind: str, filters: dict[str, str], first_day: str, last_day: str, group_by: str
    ) -> tuple[dict[str, Counters], dict[str, Counters]]:
        before: dict[str, Counters] = {}
        within: dict[str, Counters] = {}
        async for row in self._rows(kind, filters, {"$lte": last_day}, group_by):
            side = before if row["day"] < first_day else within
            add_row(side, row, group_by, COUNTERS[kind])
        return before, within

    def _rows(
        self, kind: str, filters: dict[str, str], days: Document, group_by: str
    ) -> AsyncCursor[Document]:
        fields = {"_id": 0, "day": 1, group_by: 1, **dict.fromkeys(COUNTERS[kind], 1)}
        return self._aggregates.find({"kind": kind, **filters, "day": days}, fields)

    async def names(self, kind: str) -> dict[str, str]:
        cursor = self._dimensions.find({"kind": kind})
        return {doc["code"]: doc["name"] async for doc in cursor}


def add_row(out: dict[str, Counters], row: Document, group_by: str, names: tuple[str, ...]) -> None:
    group = out.setdefault(row[group_by], {})
    for name in names:
        if value := row.get(name):
            group[name] = group.get(name, 0) + value
