"""The read models of the live generation(s): what the consumer writes and the routes read."""

import asyncio
import contextlib
import logging
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import CollectionInvalid

from services.reporting.adapters.generations import (
    FIRST_GENERATION,
    LAYOUT,
    GenerationControl,
    Generations,
)
from services.reporting.adapters.mongo_reader import MongoAggregateReader
from services.reporting.adapters.mongo_store import Collections, Marks, MongoReadModelBook
from services.reporting.adapters.serialization import Document
from services.reporting.service_layer.projector import Outcome, project
from shared.clock import Clock
from shared.events.envelope import Envelope
from shared.kafka.retry import PermanentFailure
from shared.mongo import Transaction, UnitOfWork, ensure_indexes
from shared.mongo.transaction import INDEXES as TRANSACTION_INDEXES
from shared.mongo.transaction import PROCESSED

log = logging.getLogger(__name__)

# Every case of an agency received on one day adds to the same bucket, so partitions applied
# side by side collide on it often; a collision only costs a retry of the unit, so allow many
# before the consumer sees a failure.
UNIT_ATTEMPTS = 40


class ReadModels:
    def __init__(self, db: AsyncDatabase[Document], clock: Clock | None = None) -> None:
        self.db = db
        self.uow = UnitOfWork(db, clock=clock, attempts=UNIT_ATTEMPTS)
        self.control = GenerationControl(db)
        self._prepared: set[int] = set()
        self._preparing = asyncio.Lock()
        self._warned = False

    async def prepare(self, generation: int) -> None:
        """Create the generation's collections and indexes (and the unit of work's), once.

        Always before any unit of work writes there, never beside one: SecantusDB can deadlock
        when a collection is created, indexed or dropped while an open transaction writes to it.
        """
        async with self._preparing:
            if generation in self._prepared:
                return
            names = Collections(generation)
            existing = set(await self.db.list_collection_names())
            for name in [*names.all(), PROCESSED]:
                if name not in existing:
                    with contextlib.suppress(CollectionInvalid):  # another process was first
                        await self.db.create_collection(name)
            await ensure_indexes(self.db, [*names.indexes(), *TRANSACTION_INDEXES])
            self._prepared.add(generation)

    async def reader(self) -> MongoAggregateReader:
        generations = await self.control.current()
        months = generations.layout >= LAYOUT
        if not months and not self._warned:
            self._warned = True
            log.warning(
                "the read models predate month buckets: reports sum day buckets (slower) until "
                "they are rebuilt (python -m services.reporting.entrypoints.rebuild)"
            )
        return MongoAggregateReader(self.db, Collections(generations.active), months=months)

    async def handle(self, tx: Transaction, events: list[Envelope[Any]]) -> None:
        """The consumer's handler: an event that breaks the projection fails its batch, which the
        runner then takes one event at a time, dead-lettering that one at once."""
        outcome = await self.apply_in(tx, events)
        if outcome.rejected:
            raise PermanentFailure(str(outcome.rejected[0][1]))

    async def apply(self, events: list[Envelope[Any]]) -> Outcome:
        """Apply ``events`` in one unit of work (contradicting ones are returned, not applied)."""
        await self.prepare((await self.control.current()).active)
        return await self.uow.run(lambda tx: self.apply_in(tx, events))

    async def apply_in(self, tx: Transaction, events: list[Envelope[Any]]) -> Outcome:
        """To the active generation and, during a rebuild, to the one being built. The outcome is
        the active generation's, with an event that breaks either generation among the rejected
        (the consumer dead-letters it, so neither keeps half of it)."""
        generations = await self.control.current()
        outcomes = []
        for generation in generations.targets:
            outcomes.append(await project(book(tx, generations, generation), events))
        active, *building = outcomes
        known = {e.id for e, _ in active.rejected}
        for other in building:
            active.rejected += [(e, err) for e, err in other.rejected if e.id not in known]
        return active


def book(tx: Transaction, generations: Generations, generation: int) -> MongoReadModelBook:
    if generation != generations.active:
        marks = Marks.KEEP
    elif generation > FIRST_GENERATION:
        # Built by a replay that may have applied events the live consumer, lagging behind, has
        # not reached yet when the generation went live: those must not count twice.
        marks = Marks.CHECK
    else:
        marks = Marks.NONE
    return MongoReadModelBook(tx, Collections(generation), marks=marks)
