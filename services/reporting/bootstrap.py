"""Wires the reporting service: its settings in, the dependencies its entrypoints use out."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from services.reporting.adapters import portal_store
from services.reporting.adapters.portal_http import HttpPortalEndpoint
from services.reporting.adapters.portal_refusals import PORTAL_DLQ
from services.reporting.adapters.portal_store import MongoPortalQueue
from services.reporting.entrypoints.consumers import event_consumer
from services.reporting.service_layer.portal_ports import PortalQueue
from services.reporting.service_layer.portal_sync import Backoff, PortalSync
from services.reporting.service_layer.read_models import UNIT_ATTEMPTS, ReadModels
from services.reporting.settings import ReportingSettings
from shared.audit import AuditLinker
from shared.clock import Clock, SystemClock
from shared.events.catalogue import CATALOGUE
from shared.http.container import ServiceContainer, open_container
from shared.kafka import ensure_topics
from shared.mongo import UnitOfWork
from shared.outbox import OutboxRelay

# A claimed record not settled within this many send timeouts (its sender died) goes again.
LEASE_TIMEOUTS = 3


@dataclass(frozen=True)
class ReportingContainer(ServiceContainer[ReportingSettings]):
    read_models: ReadModels
    clock: Clock
    portal_queue: PortalQueue


@asynccontextmanager
async def bootstrap(
    settings: ReportingSettings, *, clock: Clock | None = None
) -> AsyncIterator[ReportingContainer]:
    """Open the connections and, unless turned off, consume every catalogue topic meanwhile
    and send the portal records to the national portal."""
    async with AsyncExitStack() as stack:
        base = await stack.enter_async_context(open_container(settings))
        clock = clock or SystemClock()
        read_models = ReadModels(base.db, clock)
        await read_models.prepare((await read_models.control.current()).active)
        await portal_store.prepare(base.db)
        relay = OutboxRelay(base.db, base.producer, settings)
        # A refusal goes on the outbox in the unit that settles its send: wake the relay then.
        queue = MongoPortalQueue(base.db, UnitOfWork(base.db, clock=clock, committed=relay.wake))
        if settings.consume_events:
            await ensure_topics(settings, CATALOGUE.topics)
            sync = await portal_sync(stack, settings, queue, clock)
            uow = UnitOfWork(
                base.db, clock=clock, attempts=UNIT_ATTEMPTS, committed=sync.wake if sync else _idle
            )
            base.workers.add(
                "consumer",
                lambda: event_consumer(settings, read_models, base.producer, clock=clock, uow=uow),
            )
            base.workers.add("audit linker", lambda: AuditLinker(base.db))
            if sync is not None:
                base.workers.add("outbox relay", lambda: relay)
                base.workers.add("portal sync", lambda: sync)
        yield ReportingContainer(base, read_models, clock, queue)


async def portal_sync(
    stack: AsyncExitStack, settings: ReportingSettings, queue: PortalQueue, clock: Clock
) -> PortalSync | None:
    """The sender of portal records, or None while no portal endpoint is configured."""
    if settings.portal_sync_url is None:
        return None
    await ensure_topics(settings, [PORTAL_DLQ], with_dead_letters=False)
    endpoint = HttpPortalEndpoint(settings)
    stack.push_async_callback(endpoint.close)
    backoff = Backoff(
        settings.portal_sync_backoff_initial_s,
        settings.portal_sync_backoff_max_s,
        timedelta(seconds=settings.portal_sync_timeout_s * LEASE_TIMEOUTS),
    )
    return PortalSync(
        queue, endpoint, clock, backoff, interval_s=settings.portal_sync_poll_interval_s
    )


def _idle() -> None:
    """No sender to wake."""
