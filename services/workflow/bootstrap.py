"""Wires the workflow service: settings -> connections -> repository -> use cases -> workers."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from services.workflow.adapters.calendar import DeadlineCalendar
from services.workflow.adapters.definitions import load_processes, load_programmes
from services.workflow.adapters.repository import INDEXES, InstanceRepository
from services.workflow.domain.instance import Rules
from services.workflow.entrypoints.consumers import CONSUMED_TOPICS, workflow_consumer
from services.workflow.entrypoints.watch import DeadlineWatch
from services.workflow.service_layer.handlers import Workflow
from services.workflow.settings import WorkflowSettings
from shared.clock import Clock, SystemClock
from shared.events.catalogue import CATALOGUE
from shared.http.container import ServiceContainer, open_container
from shared.kafka import ensure_topics
from shared.mongo import ensure_indexes
from shared.outbox import OutboxRelay

PRODUCED_TOPICS = tuple(spec.topic for spec in CATALOGUE if spec.producer == "workflow")


@dataclass(frozen=True)
class WorkflowContainer(ServiceContainer[WorkflowSettings]):
    workflow: Workflow


@asynccontextmanager
async def bootstrap(
    settings: WorkflowSettings, clock: Clock | None = None
) -> AsyncIterator[WorkflowContainer]:
    clock = clock or SystemClock()
    async with open_container(settings) as connections, AsyncExitStack() as workers:
        await ensure_indexes(connections.db, INDEXES)
        repository = InstanceRepository(connections.db)
        # Infrastructure keeps wall-clock time (leases, checkpoints); the domain reads ``clock``.
        relay = OutboxRelay([repository.collection], connections.producer, settings)
        rules = Rules(DeadlineCalendar(), load_programmes())
        workflow = Workflow(repository, load_processes(), rules, clock, relay.wake)
        if settings.workers_enabled:
            await ensure_topics(settings, CONSUMED_TOPICS + PRODUCED_TOPICS)
            await workers.enter_async_context(relay)
            await workers.enter_async_context(
                workflow_consumer(settings, workflow, connections.producer)
            )
            await workers.enter_async_context(
                DeadlineWatch(workflow, settings.deadline_watch_interval_s)
            )
        yield WorkflowContainer(connections, workflow)
