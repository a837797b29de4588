"""The relay: publishes what the outboxes hold, in order per document, at least once."""

import asyncio
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

from shared.clock import Clock, SystemClock
from shared.kafka.records import OutboundRecord
from shared.outbox.entries import QUEUED_AT, entry_record
from shared.outbox.ledger import MongoRelayLedger, RelayLedger
from shared.outbox.metrics import OUTBOX_PUBLISHED, OUTBOX_WAITING
from shared.outbox.progress import Progress
from shared.outbox.source import MongoOutboxSource, OutboxSource, Queued
from shared.polling import PollingWorker
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

DEFAULT_SLACK = timedelta(minutes=2)
PARALLEL_DOCUMENTS = 16


class RecordPublisher(Protocol):
    async def send(self, record: OutboundRecord) -> Any: ...


class OutboxRelay(PollingWorker):
    """Polls the outboxes and publishes every entry not yet recorded as published.

    A document is leased (``outbox_lease_s``) while its entries are published, so replicas never
    publish the same document at once, and a crashed replica's lease simply expires. An entry is
    recorded as published only after the broker acknowledged it: a crash in between publishes it
    again (consumers are idempotent) but never loses it. The relay reads the services' documents
    and never writes them. ``clock`` times the leases: keep it the wall clock outside tests.
    """

    def __init__(
        self,
        sources: Iterable[AsyncCollection[dict[str, Any]] | OutboxSource],
        publisher: RecordPublisher,
        settings: ServiceSettings,
        *,
        clock: Clock | None = None,
        ledger: RelayLedger | None = None,
        slack: timedelta = DEFAULT_SLACK,
    ) -> None:
        self.owner = f"{settings.service_name}-{uuid.uuid4()}"
        super().__init__(f"outbox relay {self.owner}", settings.outbox_poll_interval_s)
        given = list(sources)
        self._sources: list[OutboxSource] = [
            MongoOutboxSource(s) if isinstance(s, AsyncCollection) else s for s in given
        ]
        self._ledger = ledger or default_ledger(given)
        self._progress = Progress(self._ledger, slack)
        self._publisher = publisher
        self._lease = timedelta(seconds=settings.outbox_lease_s)
        self._clock = clock or SystemClock()

    async def run_once(self) -> None:
        await self.drain()

    async def drain(self) -> int:
        """Publish what is waiting now; returns how many entries were published."""
        published = 0
        for source in self._sources:
            published += await self._drain(source)
        return published

    async def _drain(self, source: OutboxSource) -> int:
        since = await self._progress.horizon(source.name)
        queued = await source.queued_since(since)
        await self._progress.learn([e for doc in queued for e in doc.entries])
        pending = [d for d in queued if self._progress.first_unpublished(d.entries) is not None]
        # Documents are independent (order is per document), so several are published at once:
        # one after the other, the store's and the broker's round trips would add up.
        slots = asyncio.Semaphore(PARALLEL_DOCUMENTS)

        async def publish(doc: Queued) -> tuple[int, datetime | None]:
            async with slots:
                if self.stopping:
                    return 0, self._progress.first_unpublished(doc.entries)
                return await self._publish(source, doc, since)

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(publish(doc)) for doc in pending]
        results = [task.result() for task in tasks]
        waiting = [waits_since for _, waits_since in results if waits_since is not None]
        OUTBOX_WAITING.labels(collection=source.name).set(len(waiting))
        await self._progress.advance(source.name, queued, waiting)
        return sum(count for count, _ in results)

    async def _publish(
        self, source: OutboxSource, doc: Queued, since: datetime | None
    ) -> tuple[int, datetime | None]:
        """Publish a document's unpublished entries in order, under its lease.

        Returns how many were published and, if some still wait, the queued_at of the first.
        """
        key, now = f"{source.name}/{doc.doc_id}", self._clock.now()
        if not await self._ledger.lease(key, self.owner, now, now + self._lease):
            return 0, self._progress.first_unpublished(doc.entries)
        # Read again under the lease: another relay may have published some meanwhile.
        entries = [
            e for e in await source.entries(doc.doc_id) if since is None or e[QUEUED_AT] >= since
        ]
        await self._progress.learn(entries)
        count = 0
        for entry in entries:
            if self._progress.is_published(entry):
                continue
            try:
                await self._publisher.send(entry_record(entry))
            except Exception:
                # The lease is kept until it expires: that is this document's retry delay.
                log.exception("publishing outbox entry %s failed; it stays queued", entry["id"])
                return count, entry[QUEUED_AT]
            await self._progress.published(entry, self._clock.now())
            OUTBOX_PUBLISHED.labels(collection=source.name, topic=entry["topic"]).inc()
            count += 1
        await self._ledger.release(key, self.owner)
        return count, None


def default_ledger(sources: list[Any]) -> RelayLedger:
    """The ledger in the database of the first collection given."""
    for source in sources:
        if isinstance(source, AsyncCollection):
            return MongoRelayLedger(source.database)
    raise ValueError("give the relay a ledger, or at least one collection to keep it beside")
