"""The read models in MongoDB, written through a unit of work's ``Transaction``.

Per generation (see ``generations.py``): ``cases_g<n>`` (one document per case, versioned),
``aggregates_g<n>`` (a few documents per bucket, kind x dimensions x local day and the same per
local month, ``$inc`` counters),
``dimensions_g<n>`` (names) and, used only while the generation is being rebuilt,
``seen_g<n>`` (ids of the events it applied, because the replay and the live consumer both
write to it then).
"""

import random
from enum import Enum

from services.reporting.adapters.serialization import (
    bucket_updates,
    case_document,
    case_from_document,
    dimension_id,
    dimension_update,
)
from services.reporting.domain.contributions import Contribution
from services.reporting.service_layer.ports import Dimension, StoredCase
from shared.mongo import IndexSpec, Transaction

SCOPES: tuple[tuple[str, ...], ...] = ((), ("agency",), ("procedure",), ("field",))


class Collections:
    """The collection names of one generation of the read models."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.cases = f"cases_g{generation}"
        self.aggregates = f"aggregates_g{generation}"
        self.dimensions = f"dimensions_g{generation}"
        self.seen = f"seen_g{generation}"

    def all(self) -> list[str]:
        return [self.cases, self.aggregates, self.dimensions, self.seen]

    def indexes(self) -> list[IndexSpec]:
        # Reports match a kind, optional agency / field / procedure and a range of days or months.
        return [
            IndexSpec.on(self.aggregates, "kind", *scope, grain)
            for grain in ("day", "month")
            for scope in SCOPES
        ]


# Every case of an agency received on one day adds to the same bucket, and two transactions
# that change one document conflict (one of them is retried whole). So a bucket is kept as up to
# this many documents, each unit of work adding to one of them at random: concurrent writers
# mostly touch different documents, and reports sum them all anyway (they group by the bucket's
# fields, never by ``_id``).
BUCKET_SLICES = 4


class Marks(Enum):
    """What a unit of work does with a generation's ids of applied events (``seen_g<n>``)."""

    NONE = "none"  # a generation only the live consumer ever wrote
    CHECK = "check"  # a rebuilt generation, now active: the replay may have run ahead of it
    KEEP = "keep"  # a generation being rebuilt: the replay and the live consumer both write it


class MongoReadModelBook:
    """One generation as seen by one unit of work."""

    def __init__(self, tx: Transaction, collections: Collections, *, marks: Marks) -> None:
        self._tx = tx
        self._names = collections
        self._marks = marks
        self._slice = random.randrange(BUCKET_SLICES)

    async def unseen(self, event_ids: list[str]) -> list[str]:
        if self._marks is Marks.NONE:
            return event_ids
        seen = await self._tx.by_ids(self._names.seen, event_ids)
        return [i for i in event_ids if i not in seen]

    def mark_seen(self, event_ids: list[str]) -> None:
        if self._marks is Marks.KEEP:
            for event_id in event_ids:
                self._tx.insert(self._names.seen, {"_id": event_id})

    async def cases(self, case_codes: list[str]) -> dict[str, StoredCase]:
        if not case_codes:
            return {}
        found = await self._tx.by_ids(self._names.cases, case_codes)
        return {code: case_from_document(doc) for code, doc in found.items()}

    def save_case(self, case: StoredCase) -> None:
        self._tx.replace(self._names.cases, case_document(case), version=case.version)

    def add(self, delta: Contribution) -> None:
        for bucket_id, update in bucket_updates(delta):
            filter_ = {"_id": f"{bucket_id}|{self._slice}"}
            self._tx.update(self._names.aggregates, filter_, update, upsert=True)

    async def name(self, dimensions: list[Dimension]) -> None:
        # Written only when new or renamed: every reception names the same few documents, and
        # rewriting them unchanged would make concurrent units conflict for nothing.
        if not dimensions:
            return
        known = await self._tx.by_ids(self._names.dimensions, map(dimension_id, dimensions))
        for dim in dimensions:
            stored = known.get(dimension_id(dim))
            if stored is None or stored["name"] != dim.name:
                filter_ = {"_id": dimension_id(dim)}
                self._tx.update(self._names.dimensions, filter_, dimension_update(dim), upsert=True)
