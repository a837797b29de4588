"""Wires the intake service: settings -> connections -> repositories -> use cases -> workers."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from services.intake.adapters.case_repository import CASES, INDEXES, MongoCaseRepository
from services.intake.adapters.case_sequences import SEQUENCES, MongoCaseSequences
from services.intake.domain.catalogue import Catalogue
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.entrypoints.consumers import CONSUMED_TOPICS, intake_consumer
from services.intake.service_layer.cases import CaseDesk
from services.intake.service_layer.reception import Reception
from services.intake.settings import IntakeSettings
from shared.calendar import DEFAULT_CALENDAR
from shared.clock import Clock, SystemClock
from shared.events.catalogue import CATALOGUE
from shared.http.container import ServiceContainer, open_container
from shared.kafka import ensure_topics
from shared.mongo import ensure_indexes
from shared.outbox import OutboxRelay

PRODUCED_TOPICS = tuple(spec.topic for spec in CATALOGUE if spec.producer == "intake")


@dataclass(frozen=True)
class IntakeContainer(ServiceContainer[IntakeSettings]):
    catalogue: Catalogue
    reception: Reception
    desk: CaseDesk
    cases: MongoCaseRepository


@asynccontextmanager
async def bootstrap(
    settings: IntakeSettings, clock: Clock | None = None
) -> AsyncIterator[IntakeContainer]:
    clock = clock or SystemClock()
    catalogue = load_catalogue()
    async with open_container(settings) as connections, AsyncExitStack() as workers:
        db = connections.db
        await ensure_indexes(db, INDEXES)
        cases = MongoCaseRepository(db[CASES])
        # Leases are timed by the system clock: they are about processes, not the case's dates.
        relay = OutboxRelay([db[CASES]], connections.producer, settings)
        sequences = MongoCaseSequences(db[SEQUENCES])
        reception = Reception(catalogue, cases, sequences, DEFAULT_CALENDAR, clock, relay.wake)
        desk = CaseDesk(cases, clock, relay.wake)
        if settings.workers_enabled:
            await ensure_topics(settings, CONSUMED_TOPICS + PRODUCED_TOPICS)
            await workers.enter_async_context(relay)
            await workers.enter_async_context(intake_consumer(settings, desk, connections.producer))
        yield IntakeContainer(connections, catalogue, reception, desk, cases)
