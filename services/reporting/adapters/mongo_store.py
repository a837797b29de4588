"""The read models in MongoDB: case versions, aggregate rows and dimension names, insert-only.

Aggregate rows have the bucket's fields (``kind``, its dimensions, ``day``) and counters at the
top level, so reports filter on them directly and sum the counters of the rows they find (see
``mongo_reader.py``). Each rebuild writes a new *generation* of these collections (see
``generations.py``).
"""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from services.reporting.adapters.serialization import (
    Document,
    case_document,
    case_from_document,
    delta_rows,
    summary_rows,
)
from services.reporting.domain.contributions import Contribution
from services.reporting.service_layer.ports import CaseWrite, Dimension, StoredCase
from shared.mongo import IndexSpec, ensure_indexes

DUPLICATE_KEY = 11000
SUMMARY_CHUNK = 5000


class Collections:
    """The collection names of one generation of the read models."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.cases = f"cases_g{generation}"
        self.aggregates = f"aggregates_g{generation}"
        self.dimensions = f"dimensions_g{generation}"

    def all(self) -> list[str]:
        return [self.cases, self.aggregates, self.dimensions]

    def indexes(self) -> list[IndexSpec]:
        agg = self.aggregates
        return [
            IndexSpec.on(self.cases, "case_code"),
            IndexSpec.on(agg, "kind", "day"),
            IndexSpec.on(agg, "kind", "agency", "day"),
            IndexSpec.on(agg, "kind", "procedure", "day"),
            IndexSpec.on(agg, "kind", "field", "day"),
            IndexSpec.on(self.dimensions, "kind"),
        ]


class MongoReadModelStore:
    def __init__(self, db: AsyncDatabase[Document], collections: Collections) -> None:
        self._db = db
        self._cases = db[collections.cases]
        self._aggregates = db[collections.aggregates]
        self._dimensions = db[collections.dimensions]
        self.collections = collections

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._db, self.collections.indexes())

    async def load_cases(self, case_codes: list[str]) -> dict[str, StoredCase]:
        latest: dict[str, Document] = {}
        async for doc in self._cases.find({"case_code": {"$in": case_codes}}):
            known = latest.get(doc["case_code"])
            if known is None or doc["version"] > known["version"]:
                latest[doc["case_code"]] = doc
        return {code: case_from_document(doc) for code, doc in latest.items()}

    async def save_cases(self, writes: list[CaseWrite]) -> set[str]:
        failed = await insert_ignoring_duplicates(self._cases, [case_document(w) for w in writes])
        return {writes[i].case_code for i in failed}

    async def save_deltas(self, writes: list[CaseWrite]) -> None:
        await insert_ignoring_duplicates(
            self._aggregates, [row for w in writes for row in delta_rows(w)]
        )

    async def save_summary(self, summary: Contribution) -> None:
        rows = summary_rows(summary)
        for start in range(0, len(rows), SUMMARY_CHUNK):
            await insert_ignoring_duplicates(self._aggregates, rows[start : start + SUMMARY_CHUNK])

    async def save_dimensions(self, dimensions: list[Dimension]) -> None:
        docs = [
            {"_id": f"{d.kind}|{d.code}", "kind": d.kind, "code": d.code, "name": d.name}
            for d in dimensions
        ]
        await insert_ignoring_duplicates(self._dimensions, docs)


async def insert_ignoring_duplicates(
    collection: AsyncCollection[Document], docs: list[dict[str, Any]]
) -> set[int]:
    """Insert unordered; return the indexes whose ``_id`` existed already, raise on other errors."""
    if not docs:
        return set()
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if exc.details.get("writeConcernErrors") or any(e["code"] != DUPLICATE_KEY for e in errors):
            raise
        return {e["index"] for e in errors}
    return set()
