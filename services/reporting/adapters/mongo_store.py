"""The read models in MongoDB, written through a unit of work's ``Transaction``.

Per generation (see ``generations.py``): ``cases_g<n>`` (one document per case, versioned),
``aggregates_g<n>`` (a few documents per bucket, kind x dimensions x local day, ``$inc`` counters),
``dimensions_g<n>`` (names) and, used only while the generation is being rebuilt,
``seen_g<n>`` (ids of the events it applied, because the replay and the live consumer both
write to it then).
"""

import random

from services.reporting.adapters.serialization import (
    bucket_update,
    case_document,
    case_from_document,
    dimension_id,
    dimension_update,
)
from services.reporting.domain.contributions import Contribution
from services.reporting.service_layer.ports import Dimension, StoredCase
from shared.mongo import IndexSpec, Transaction


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
        # Reports match a kind, optional agency / field / procedure and a range of days.
        agg = self.aggregates
        return [
            IndexSpec.on(agg, "kind", "day"),
            IndexSpec.on(agg, "kind", "agency", "day"),
            IndexSpec.on(agg, "kind", "procedure", "day"),
            IndexSpec.on(agg, "kind", "field", "day"),
            IndexSpec.on(self.dimensions, "kind"),
        ]


# Every case of an agency received on one day adds to the same bucket, and two transactions
# that change one document conflict (one of them is retried whole). So a bucket is kept as up to
# this many documents, each unit of work adding to one of them at random: concurrent writers
# mostly touch different documents, and reports sum them all anyway (they group by the bucket's
# fields, never by ``_id``).
BUCKET_SLICES = 4


class MongoReadModelBook:
    """One generation as seen by one unit of work. ``marks``: keep ids of applied events
    (only for a generation being rebuilt)."""

    def __init__(self, tx: Transaction, collections: Collections, *, marks: bool) -> None:
        self._tx = tx
        self._names = collections
        self._marks = marks
        self._slice = random.randrange(BUCKET_SLICES)

    async def unseen(self, event_ids: list[str]) -> list[str]:
        if not self._marks:
            return event_ids
        seen = await self._tx.by_ids(self._names.seen, event_ids)
        return [i for i in event_ids if i not in seen]

    def mark_seen(self, event_ids: list[str]) -> None:
        if self._marks:
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
        for key in sorted(delta):
            counters = {name: value for name, value in delta[key].items() if value}
            if counters:
                update = bucket_update(key, counters)
                filter_ = {"_id": f"{key.id}|{self._slice}"}
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
