"""Wires the reporting service: its settings in, the dependencies its entrypoints use out."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from services.reporting.entrypoints.consumers import event_consumer
from services.reporting.service_layer.read_models import ReadModels
from services.reporting.settings import ReportingSettings
from shared.clock import Clock, SystemClock
from shared.events.catalogue import CATALOGUE
from shared.http.container import ServiceContainer, open_container
from shared.kafka import ensure_topics


@dataclass(frozen=True)
class ReportingContainer(ServiceContainer[ReportingSettings]):
    read_models: ReadModels
    clock: Clock


@asynccontextmanager
async def bootstrap(
    settings: ReportingSettings, *, clock: Clock | None = None
) -> AsyncIterator[ReportingContainer]:
    """Open the connections and, unless turned off, consume every catalogue topic meanwhile."""
    async with open_container(settings) as base:
        clock = clock or SystemClock()
        read_models = ReadModels(base.db, clock)
        await read_models.prepare((await read_models.control.current()).active)
        if settings.consume_events:
            await ensure_topics(settings, CATALOGUE.topics)
            base.workers.add(
                "consumer", lambda: event_consumer(settings, read_models, base.producer)
            )
        yield ReportingContainer(base, read_models, clock)
