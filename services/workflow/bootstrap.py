"""Wires the workflow service: settings -> connections -> unit of work -> use cases -> workers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from services.workflow.adapters.calendar import DeadlineCalendar
from services.workflow.adapters.definitions import load_processes, load_programmes
from services.workflow.adapters.repository import INDEXES, InstanceReader
from services.workflow.domain.instance import Rules
from services.workflow.entrypoints.consumers import workflow_consumer
from services.workflow.entrypoints.watch import DeadlineWatch
from services.workflow.service_layer.handlers import Workflow
from services.workflow.settings import WorkflowSettings
from shared import audit, outbox
from shared.clock import Clock, SystemClock
from shared.events.catalogue import CATALOGUE
from shared.http.container import ServiceContainer, open_container
from shared.kafka import ensure_topics
from shared.mongo import UnitOfWork, ensure_indexes, transaction
from shared.outbox import OutboxRelay

PRODUCED_TOPICS = tuple(spec.topic for spec in CATALOGUE if spec.producer == "workflow")
ALL_INDEXES = [*INDEXES, *outbox.INDEXES, *transaction.INDEXES, *audit.INDEXES]


@dataclass(frozen=True)
class WorkflowContainer(ServiceContainer[WorkflowSettings]):
    workflow: Workflow


@asynccontextmanager
async def bootstrap(
    settings: WorkflowSettings, clock: Clock | None = None
) -> AsyncIterator[WorkflowContainer]:
    clock = clock or SystemClock()
    async with open_container(settings) as connections:
        db = connections.db
        await ensure_indexes(db, ALL_INDEXES)
        # Infrastructure keeps wall-clock time (leases); units of work and the domain read
        # ``clock``, so that tests and replays control the instants stored and published.
        relay = OutboxRelay(db, connections.producer, settings)
        uow = UnitOfWork(db, clock=clock, committed=relay.wake)
        rules = Rules(DeadlineCalendar(), load_programmes())
        workflow = Workflow(uow, InstanceReader(db), load_processes(), rules, clock)
        if settings.workers_enabled:
            await ensure_topics(settings, workflow.subscriptions().topics + PRODUCED_TOPICS)
            watch = DeadlineWatch(workflow, settings.deadline_watch_interval_s)
            workers = connections.workers
            workers.add("outbox relay", lambda: relay)
            workers.add("audit linker", lambda: audit.AuditLinker(db))
            workers.add(
                "consumer",
                lambda: workflow_consumer(settings, workflow, uow, connections.producer),
            )
            workers.add("deadline watch", lambda: watch)
        yield WorkflowContainer(connections, workflow)
