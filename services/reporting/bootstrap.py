"""Wires the reporting service: its settings in, the dependencies its entrypoints use out."""

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from services.reporting.entrypoints.consumers import event_consumer
from services.reporting.service_layer.read_models import ReadModels
from services.reporting.settings import ReportingSettings
from shared.clock import Clock, SystemClock
from shared.http.container import Container, open_container
from shared.http.readiness import ReadinessCheck


@dataclass(frozen=True)
class ReportingContainer:
    base: Container[ReportingSettings]
    read_models: ReadModels
    clock: Clock

    @property
    def settings(self) -> ReportingSettings:
        return self.base.settings

    @property
    def readiness_checks(self) -> Mapping[str, ReadinessCheck]:
        return self.base.readiness_checks


@asynccontextmanager
async def bootstrap(
    settings: ReportingSettings, *, clock: Clock | None = None
) -> AsyncIterator[ReportingContainer]:
    """Open the connections and, unless turned off, consume every catalogue topic meanwhile."""
    async with AsyncExitStack() as stack:
        base = await stack.enter_async_context(open_container(settings))
        read_models = ReadModels(base.db)
        await read_models.store((await read_models.control.current()).active)
        if settings.consume_events:
            await stack.enter_async_context(event_consumer(settings, read_models, base.producer))
        yield ReportingContainer(base, read_models, clock or SystemClock())
