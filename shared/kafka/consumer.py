"""The consumer runner: at-least-once, in order per partition, a batch per unit of work.

One fetch loop takes messages from every assigned partition and hands them to one worker per
partition; a slow partition does not hold the others up (it is paused while its backlog is full).
A worker applies what it has in hand as one unit of work (one transaction: the handlers' writes,
the events they publish and the processed marks), then commits the offsets. When a batch fails it
falls back to one event at a time, with retries and dead letters (``Delivery``), so one bad event
costs the others nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from shared.events.codec import DecodeError
from shared.events.envelope import Envelope
from shared.kafka.connection import client_options
from shared.kafka.delivery import Delivery, RawPublisher
from shared.kafka.metrics import CONSUMER_LAG, EVENTS_CONSUMED, HANDLER_DURATION
from shared.kafka.provenance import read_event
from shared.kafka.rebalance import CommitOnRevoke, Partitions
from shared.kafka.retry import TransientCheck, is_infrastructure_outage
from shared.kafka.subscriptions import Subscriptions
from shared.settings import ServiceSettings

if TYPE_CHECKING:  # at run time the store package imports this one
    from shared.mongo.transaction import Transaction
    from shared.mongo.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

FETCH_TIMEOUT_MS = 500
# Messages of one partition applied in one transaction, and held in memory before it is paused.
MAX_BATCH = 500
MAX_BACKLOG = 2 * MAX_BATCH


class EventConsumer:
    """Feeds the events of ``subscriptions``' topics to their handlers, inside units of work.

    A message's offset is committed only once its effects are stored or it was dead-lettered, so a
    crash re-delivers rather than loses; the processed marks stored with the effects make the
    re-delivery a no-op. A new group starts at the earliest offset so events published before its
    first start are not skipped.
    """

    def __init__(
        self,
        settings: ServiceSettings,
        subscriptions: Subscriptions,
        uow: UnitOfWork,
        publisher: RawPublisher,
        *,
        group: str | None = None,
        transient: TransientCheck = is_infrastructure_outage,
        max_batch: int = MAX_BATCH,
        **consumer_options: Any,
    ) -> None:
        self.group = f"{settings.topic_prefix}{group or settings.service_name}"
        self._prefix = settings.topic_prefix
        self._topics = [settings.topic(t) for t in subscriptions.topics]
        self._subscriptions = subscriptions
        self._uow = uow
        self._max_batch = max_batch
        self._stopping = asyncio.Event()
        self._delivery = Delivery(
            settings,
            self._apply_one,
            publisher,
            group=self.group,
            stopping=self._stopping,
            transient=transient,
        )
        self._consumer = AIOKafkaConsumer(
            **client_options(settings),
            group_id=self.group,
            client_id=settings.service_name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **consumer_options,
        )
        self._workers: dict[TopicPartition, _PartitionWorker] = {}
        self._task: asyncio.Task[None] | None = None
        # Set while no fetch loop runs: the consumer is closed only after its loop ended (a fetch
        # from a closed consumer never returns).
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(self) -> None:
        self._consumer.subscribe(
            self._topics, listener=CommitOnRevoke(self._revoked, self._assigned)
        )
        await self._consumer.start()

    async def run(self) -> None:
        """Fetch and hand out messages until ``stop`` is called."""
        self._idle.clear()
        try:
            await self._fetch_until_stopped()
        finally:
            self._idle.set()

    async def _fetch_until_stopped(self) -> None:
        while not self._stopping.is_set():
            batch = await self._consumer.getmany(timeout_ms=FETCH_TIMEOUT_MS)
            if failed := [
                f"{tp.topic}/{tp.partition}" for tp, w in self._workers.items() if w.failed
            ]:
                raise RuntimeError(f"partition workers failed: {failed}")
            for tp, records in batch.items():
                worker = self._workers.get(tp)
                if worker is None:  # fetched before a rebalance took the partition away
                    continue
                worker.add(records)
                if worker.backlog >= MAX_BACKLOG:
                    self._consumer.pause(tp)

    async def stop(self) -> None:
        """Stop fetching, let the batches in hand finish, commit, leave the group."""
        self._stopping.set()
        try:
            if self._task is not None:
                await self._task
            await self._idle.wait()
        finally:
            await self._stop_workers(set(self._workers))
            await self._consumer.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        self._task = asyncio.create_task(self.run(), name=f"consumer {self.group}")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def process(self, tp: TopicPartition, records: Sequence[ConsumerRecord]) -> int:
        """Bring ``records`` of one partition to an outcome, in order; returns the offset after
        the last one that got there (less than all only when stopping: the rest is left for the
        next run), or -1 if none did."""
        topic = tp.topic.removeprefix(self._prefix)
        decoded: list[Envelope[Any]] = []
        for record in records:
            try:
                decoded.append(read_event(record.value, topic=topic))
            except DecodeError:  # malformed, or from a foreign source
                decoded = []  # keep the order simple: take this batch one by one
                break
        if decoded and await self._apply_batch(topic, decoded):
            EVENTS_CONSUMED.labels(topic=topic, outcome="ok").inc(len(decoded))
            return int(records[-1].offset) + 1
        next_offset = -1
        for record in records:
            if not await self._delivery.deliver(record, topic):
                break
            next_offset = record.offset + 1
        return next_offset

    async def _apply_batch(self, topic: str, events: list[Envelope[Any]]) -> bool:
        try:
            with HANDLER_DURATION.labels(topic=topic).time():
                await self._uow.run(lambda tx: self._apply(tx, events))
        except Exception as exc:
            if len(events) > 1 or not is_infrastructure_outage(exc):
                log.info("batch of %d on %s failed, one by one: %r", len(events), topic, exc)
            return False
        return True

    async def _apply_one(self, event: Envelope[Any]) -> None:
        await self._uow.run(lambda tx: self._apply(tx, [event]))

    async def _apply(self, tx: Transaction, events: list[Envelope[Any]]) -> None:
        fresh = set(await tx.unprocessed([str(e.id) for e in events]))
        new = []
        for event in events:
            if str(event.id) in fresh:
                fresh.discard(str(event.id))
                new.append(event)
        await self._subscriptions.apply(tx, new)
        for event in new:
            tx.mark_processed(str(event.id))

    async def commit(self, tp: TopicPartition, offset: int) -> bool:
        """Commit one partition's offset; False when it failed or the partition is gone (the
        messages may then come again, to this consumer or to the partition's new owner)."""
        if tp not in self._consumer.assignment():
            return False
        try:
            await self._consumer.commit({tp: offset})
        except KafkaError as exc:
            log.warning("offset commit failed, messages may be delivered again: %r", exc)
            return False
        return True

    def report_lag(self, tp: TopicPartition, next_offset: int) -> None:
        highwater = self._consumer.highwater(tp)
        if highwater is not None:
            topic = tp.topic.removeprefix(self._prefix)
            labels = CONSUMER_LAG.labels(group=self.group, topic=topic, partition=tp.partition)
            labels.set(max(0, highwater - next_offset))

    def resume(self, tp: TopicPartition) -> None:
        if tp in self._consumer.assignment():
            self._consumer.resume(tp)

    async def _revoked(self, revoked: Partitions) -> None:
        await self._stop_workers(revoked)

    def _assigned(self, assigned: Partitions) -> None:
        for tp in assigned - set(self._workers):
            self._workers[tp] = _PartitionWorker(self, tp, self._max_batch)
        log.info("assigned partitions: %s", sorted(f"{tp.topic}/{tp.partition}" for tp in assigned))

    async def _stop_workers(self, partitions: Partitions) -> None:
        """Let each worker finish the batch in hand and commit it; drop what it has not begun."""
        workers = [self._workers.pop(tp) for tp in partitions if tp in self._workers]
        await asyncio.gather(*(worker.stop() for worker in workers))


class _PartitionWorker:
    """Applies one partition's messages in offset order, a batch at a time."""

    def __init__(self, consumer: EventConsumer, tp: TopicPartition, max_batch: int) -> None:
        self._consumer = consumer
        self._tp = tp
        self._max_batch = max_batch
        self._pending: list[ConsumerRecord] = []
        self._arrived = asyncio.Event()
        self._stopping = False
        self._uncommitted = -1
        self._task = asyncio.create_task(self._run(), name=f"partition {tp.topic}/{tp.partition}")

    @property
    def backlog(self) -> int:
        return len(self._pending)

    @property
    def failed(self) -> bool:
        return (
            self._task.done() and not self._task.cancelled() and self._task.exception() is not None
        )

    def add(self, records: list[ConsumerRecord]) -> None:
        self._pending.extend(records)
        self._arrived.set()

    async def stop(self) -> None:
        self._stopping = True
        self._arrived.set()
        with contextlib.suppress(Exception):  # logged where it happened
            await self._task
        if self._uncommitted >= 0:
            await self._consumer.commit(self._tp, self._uncommitted)

    async def _run(self) -> None:
        while not self._stopping:
            await self._arrived.wait()
            self._arrived.clear()
            while self._pending and not self._stopping:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                await self._process(batch)

    async def _process(self, batch: list[ConsumerRecord]) -> None:
        try:
            next_offset = await self._consumer.process(self._tp, batch)
        except Exception:
            # Nothing in ``process`` should raise; if it does, the batch comes again after a
            # restart rather than being skipped.
            log.exception(
                "partition %s/%s stopped at offset %d",
                self._tp.topic,
                self._tp.partition,
                batch[0].offset,
            )
            self._stopping = True
            raise
        if next_offset != batch[-1].offset + 1:
            self._stopping = True  # stopped in the middle: no later message may be committed
        if next_offset < 0:
            return
        self._uncommitted = next_offset
        self._consumer.report_lag(self._tp, next_offset)
        if await self._consumer.commit(self._tp, next_offset):
            self._uncommitted = -1
        if len(self._pending) < MAX_BACKLOG:
            self._consumer.resume(self._tp)
