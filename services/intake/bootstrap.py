"""Wires the intake service: settings -> connections -> repositories -> use cases -> workers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from services.intake.adapters.case_repository import (
    CASES,
    INDEXES,
    MongoCaseReader,
    MongoCaseUnits,
)
from services.intake.adapters.case_sequences import SEQUENCES, MongoCaseSequences
from services.intake.adapters.register_store import REGISTER_INDEXES, MongoRegisterUnits
from services.intake.domain.catalogue import Catalogue
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.entrypoints.consumers import subscriptions
from services.intake.service_layer.cases import CaseDesk
from services.intake.service_layer.reception import Reception
from services.intake.service_layer.register import RegisterImport
from services.intake.settings import IntakeSettings
from shared.audit import INDEXES as AUDIT_INDEXES
from shared.audit import AuditLinker
from shared.calendar import DEFAULT_CALENDAR
from shared.clock import Clock, SystemClock
from shared.events.catalogue import CATALOGUE
from shared.http.container import ServiceContainer, open_container
from shared.kafka import EventConsumer, ensure_topics
from shared.mongo import UnitOfWork, ensure_indexes
from shared.mongo.transaction import INDEXES as PROCESSED_INDEXES
from shared.outbox import INDEXES as OUTBOX_INDEXES
from shared.outbox import OutboxRelay

PRODUCED_TOPICS = tuple(spec.topic for spec in CATALOGUE if spec.producer == "intake")


@dataclass(frozen=True)
class IntakeContainer(ServiceContainer[IntakeSettings]):
    catalogue: Catalogue
    reception: Reception
    register: RegisterImport
    desk: CaseDesk
    cases: MongoCaseReader


@asynccontextmanager
async def bootstrap(
    settings: IntakeSettings, clock: Clock | None = None, catalogue: Catalogue | None = None
) -> AsyncIterator[IntakeContainer]:
    """``catalogue``: the service's data files unless given (tests give entries of their own)."""
    clock = clock or SystemClock()
    catalogue = catalogue or load_catalogue()
    async with open_container(settings) as connections:
        db = connections.db
        await ensure_indexes(
            db, [*INDEXES, *REGISTER_INDEXES, *OUTBOX_INDEXES, *PROCESSED_INDEXES, *AUDIT_INDEXES]
        )
        relay = OutboxRelay(db, connections.producer, settings)
        # Infrastructure keeps wall-clock time (outbox order, processed marks' expiry); the
        # domain reads ``clock``, which tests set to the dates of their cases.
        uow = UnitOfWork(db, committed=relay.wake)
        units = MongoCaseUnits(uow)
        sequences = MongoCaseSequences(db[SEQUENCES])
        reception = Reception(catalogue, units, sequences, DEFAULT_CALENDAR, clock)
        register = RegisterImport(catalogue, MongoRegisterUnits(uow), DEFAULT_CALENDAR, clock)
        desk = CaseDesk(units, clock)
        if settings.workers_enabled:
            tracked = subscriptions(desk)
            await ensure_topics(settings, tracked.topics + PRODUCED_TOPICS)
            workers = connections.workers
            workers.add("outbox relay", lambda: relay)
            workers.add("audit linker", lambda: AuditLinker(db))
            workers.add(
                "consumer", lambda: EventConsumer(settings, tracked, uow, connections.producer)
            )
        yield IntakeContainer(
            connections, catalogue, reception, register, desk, MongoCaseReader(db[CASES])
        )
