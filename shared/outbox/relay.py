"""The relay: publishes the outbox in order, at least once, and deletes what was acknowledged."""

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.kafka.records import OutboundRecord
from shared.mongo.indexes import IndexSpec
from shared.outbox.metrics import OUTBOX_PUBLISHED, OUTBOX_WAITING
from shared.outbox.store import ORDER, OUTBOX, outbox_record
from shared.polling import PollingWorker
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

LEASES = "outbox_lease"
INDEXES = [IndexSpec(OUTBOX, tuple(ORDER), name="outbox_order")]
BATCH = 500


class BatchPublisher(Protocol):
    async def send_batch(self, records: Sequence[OutboundRecord]) -> list[BaseException | None]:
        """Publish in order; per record, None once acknowledged or the error that stopped it."""
        ...


class OutboxRelay(PollingWorker):
    """Publishes every record of a service's outbox, oldest first, in batches.

    One relay of a service publishes at a time: it holds a lease document that it renews while it
    runs, and a replica's relay takes over once the holder's lease lapses (``outbox_lease_s``).
    Records are deleted after the broker acknowledged them, in one write per batch; a crash in
    between publishes them again (consumers are idempotent on the event id) but never loses one.
    When a record fails, the later records of the same key stay for the next round, so a case's
    events never overtake each other.
    """

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        publisher: BatchPublisher,
        settings: ServiceSettings,
        *,
        batch: int = BATCH,
    ) -> None:
        self.owner = f"{settings.service_name}-{uuid.uuid4()}"
        super().__init__(f"outbox relay {self.owner}", settings.outbox_poll_interval_s)
        self._outbox = db[OUTBOX]
        self._leases = db[LEASES]
        self._publisher = publisher
        self._lease = timedelta(seconds=settings.outbox_lease_s)
        self._batch = batch
        self._held_until: datetime | None = None

    async def run_once(self) -> None:
        await self.drain()

    async def drain(self) -> int:
        """Publish what is waiting now (if this relay holds the lease); returns how many."""
        published = 0
        while not self.stopping and await self._hold_lease():
            sent, full = await self._publish_batch()
            published += sent
            if not full or sent == 0:
                break
        return published

    async def stop(self) -> None:
        await super().stop()
        if self._held_until is not None:
            # Let a replica take over now rather than when the lease lapses.
            await self._leases.delete_one({"_id": OUTBOX, "owner": self.owner})
            self._held_until = None

    async def _publish_batch(self) -> tuple[int, bool]:
        docs = await self._outbox.find({}).sort(ORDER).limit(self._batch).to_list()
        outcomes = await self._publisher.send_batch([outbox_record(d) for d in docs])
        done, failed_keys = [], set()
        for doc, failure in zip(docs, outcomes, strict=True):
            if failure is not None or doc["key"] in failed_keys:
                if doc["key"] not in failed_keys:
                    log.warning("publishing to %s failed, will retry: %r", doc["topic"], failure)
                failed_keys.add(doc["key"])
                continue
            done.append(doc["_id"])
            OUTBOX_PUBLISHED.labels(topic=doc["topic"]).inc()
        if done:
            await self._outbox.delete_many({"_id": {"$in": done}})
        full = len(docs) == self._batch
        if not full:  # every waiting record was read: what failed is what still waits
            OUTBOX_WAITING.set(len(docs) - len(done))
        return len(done), full and not failed_keys

    async def _hold_lease(self) -> bool:
        """Take or renew the lease when it is not held or runs past half its time."""
        # Wall-clock time: leases are between processes, whatever clock their domain reads.
        now = datetime.now(UTC)
        if self._held_until is not None and now < self._held_until - self._lease / 2:
            return True
        until = now + self._lease
        try:
            lease = await self._leases.find_one_and_update(
                {"_id": OUTBOX, "$or": [{"owner": self.owner}, {"until": {"$lt": now}}]},
                {"$set": {"owner": self.owner, "until": until}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            lease = None  # held by another relay, and not expired
        self._held_until = until if lease is not None else None
        return lease is not None
