"""Wires the reporting service: its settings in, the dependencies its entrypoints use out."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from services.reporting.entrypoints.consumers import event_consumer
from services.reporting.service_layer.read_models import ReadModels
from services.reporting.settings import ReportingSettings
from shared.clock import Clock, SystemClock
from shared.http.container import ServiceContainer, open_container


@dataclass(frozen=True)
class ReportingContainer(ServiceContainer[ReportingSettings]):
    read_models: ReadModels
    clock: Clock


@asynccontextmanager
async def bootstrap(
    settings: ReportingSettings, *, clock: Clock | None = None
) -> AsyncIterator[ReportingContainer]:
    """Open the connections and, unless turned off, consume every catalogue topic meanwhile."""
    async with AsyncExitStack() as stack:
        base = await stack.enter_async_context(open_container(settings))
        clock = clock or SystemClock()
        read_models = ReadModels(base.db, clock)
        await read_models.prepare((await read_models.control.current()).active)
        if settings.consume_events:
            await stack.enter_async_context(event_consumer(settings, read_models, base.producer))
        yield ReportingContainer(base, read_models, clock)
