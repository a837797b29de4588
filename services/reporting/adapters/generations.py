"""Which generation of the read models is live, and which one a rebuild is filling.

A rebuild never clears the collections the reports read: it fills a new generation and, once
that one has caught up, makes it the active one in a single-document write, then drops the old
one. Meanwhile the live consumer writes every event into both (see ``rebuild.py``).
"""

import asyncio
import time
from dataclasses import dataclass

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.reporting.adapters.serialization import Document
from shared.mongo import ensure_document

CONTROL = "control"
GENERATIONS_ID = "generations"
# How long a reader may go on using what it last read; a rebuild waits longer than this after
# announcing a new generation before it trusts that every writer has seen it.
CACHE_TTL_S = 1.0
# What a generation's collections hold: 1, day buckets; 2, month buckets beside them. A generation
# is built at the current layout; one activated before that keeps its own until a rebuild.
LAYOUT = 2
# The generation the live consumer starts with; every later one is built by a replay.
FIRST_GENERATION = 1


@dataclass(frozen=True)
class Generations:
    active: int
    building: int | None = None
    layout: int = LAYOUT  # the active generation's

    @property
    def targets(self) -> list[int]:
        return [self.active] + ([self.building] if self.building is not None else [])


class GenerationControl:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._control = db[CONTROL]
        self._cached: tuple[float, Generations] | None = None
        # Units of work running side by side would all read (and, the first time, create) the
        # control document at once; one read serves them all.
        self._reading = asyncio.Lock()

    async def current(self) -> Generations:
        """The generations, as read at most ``CACHE_TTL_S`` ago."""
        async with self._reading:
            now = time.monotonic()
            if self._cached is None or now - self._cached[0] > CACHE_TTL_S:
                doc = await self._read()
                generations = Generations(doc["active"], doc.get("building"), doc.get("layout", 1))
                self._cached = (now, generations)
            return self._cached[1]

    async def _read(self) -> Document:
        doc = await self._control.find_one({"_id": GENERATIONS_ID})
        if doc is None:
            await ensure_document(
                self._control,
                GENERATIONS_ID,
                {"active": FIRST_GENERATION, "building": None, "layout": LAYOUT},
            )
            # Read again rather than trust the upsert's reply: another process may have won.
            doc = await self._control.find_one({"_id": GENERATIONS_ID})
        assert doc is not None
        return doc

    async def next_generation(self) -> int:
        return max((await self.current()).targets) + 1

    async def start_building(self, new: int) -> Generations:
        """Announce generation ``new``; fails if another rebuild started meanwhile."""
        current = await self.current()
        if new != max(current.targets) + 1:
            raise RuntimeError("another rebuild is running (or just finished); try again later")
        doc = await self._control.find_one_and_update(
            {"_id": GENERATIONS_ID, "active": current.active, "building": None},
            {"$set": {"building": new}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            raise RuntimeError("another rebuild is running (or just finished); try again later")
        self._cached = None
        return Generations(doc["active"], doc["building"], doc.get("layout", 1))

    async def activate(self, generations: Generations) -> None:
        result = await self._control.update_one(
            {"_id": GENERATIONS_ID, "active": generations.active, "building": generations.building},
            {"$set": {"active": generations.building, "building": None, "layout": LAYOUT}},
        )
        if result.matched_count != 1:
            raise RuntimeError("the generations changed during the rebuild")
        self._cached = None

    async def abandon(self, generations: Generations) -> None:
        await self._control.update_one(
            {"_id": GENERATIONS_ID, "building": generations.building},
            {"$set": {"building": None}},
        )
        self._cached = None
