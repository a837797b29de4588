"""The read models of the live generation(s): what the consumer writes and the routes read."""

from pymongo.asynchronous.database import AsyncDatabase

from services.reporting.adapters.generations import GenerationControl
from services.reporting.adapters.mongo_reader import MongoAggregateReader
from services.reporting.adapters.mongo_store import Collections, MongoReadModelStore
from services.reporting.adapters.serialization import Document
from services.reporting.domain.case import ProjectionError
from services.reporting.service_layer.batching import Batcher
from services.reporting.service_layer.projector import Outcome, Projector
from shared.events.envelope import Envelope
from shared.kafka.retry import PermanentFailure


class ReadModels:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.db = db
        self._batcher = Batcher(self.apply)
        self.control = GenerationControl(db)
        self._indexed: set[int] = set()

    async def store(self, generation: int) -> MongoReadModelStore:
        store = MongoReadModelStore(self.db, Collections(generation))
        if generation not in self._indexed:
            await store.ensure_indexes()
            self._indexed.add(generation)
        return store

    async def reader(self) -> MongoAggregateReader:
        generations = await self.control.current()
        return MongoAggregateReader(self.db, Collections(generations.active))

    async def apply(self, events: list[Envelope]) -> Outcome:
        """Apply to the active generation and, during a rebuild, to the one being built."""
        outcome = Outcome()
        for generation in (await self.control.current()).targets:
            store = await self.store(generation)
            outcome = await Projector(store).apply(events)
        return outcome

    async def handle(self, event: Envelope) -> None:
        """The consumer's handler: an event that breaks the projection is dead-lettered at once."""
        try:
            await self._batcher.submit(event)
        except ProjectionError as exc:
            raise PermanentFailure(str(exc)) from exc
