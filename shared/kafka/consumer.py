"""The consumer runner: at-least-once, in order per partition, committing after the effects."""

import asyncio
import logging
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from shared.kafka.delivery import Delivery, Handler, RawPublisher
from shared.kafka.rebalance import CommitOnRevoke, Partitions
from shared.kafka.retry import TransientCheck, is_infrastructure_outage
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

FETCH_TIMEOUT_MS = 500


class EventConsumer:
    """Feeds the events of ``topics`` (catalogue names) to ``handler``, one partition at a time.

    Partitions are drained concurrently, each strictly in offset order. A message's offset is
    committed only once its handler returned or it was dead-lettered, so a crash re-delivers
    rather than loses (handlers must be idempotent on the event id). One commit covers all the
    messages of a partition handled from one fetch: a commit per message would bound throughput
    by the broker's commit round trip. A new group starts at the
    earliest offset so events published before its first start are not skipped.
    """

    def __init__(
        self,
        settings: ServiceSettings,
        topics: Sequence[str],
        handler: Handler,
        publisher: RawPublisher,
        *,
        group: str | None = None,
        transient: TransientCheck = is_infrastructure_outage,
        **consumer_options: Any,
    ) -> None:
        self.group = f"{settings.topic_prefix}{group or settings.service_name}"
        self._prefix = settings.topic_prefix
        self._topics = [settings.topic(t) for t in topics]
        self._stopping = asyncio.Event()
        self._delivery = Delivery(
            settings,
            handler,
            publisher,
            group=self.group,
            stopping=self._stopping,
            transient=transient,
        )
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            group_id=self.group,
            client_id=settings.service_name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **consumer_options,
        )
        # Offsets processed but not yet committed (a commit failed), by partition.
        self._uncommitted: dict[TopicPartition, int] = {}
        # Bumped on every assignment: records fetched before a rebalance are not processed after.
        self._generation = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._consumer.subscribe(
            self._topics, listener=CommitOnRevoke(self._commit_revoked, self._on_assigned)
        )
        await self._consumer.start()

    async def run(self) -> None:
        """Process messages until ``stop`` is called."""
        while not self._stopping.is_set():
            batch = await self._consumer.getmany(timeout_ms=FETCH_TIMEOUT_MS)
            generation = self._generation
            async with asyncio.TaskGroup() as group:
                for tp, records in batch.items():
                    group.create_task(self._drain(tp, records, generation))

    async def stop(self) -> None:
        """Stop fetching, let the message in hand finish, commit, leave the group."""
        self._stopping.set()
        try:
            if self._task is not None:
                await self._task
        finally:
            await self._commit(dict(self._uncommitted))
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

    async def _drain(
        self, tp: TopicPartition, records: list[ConsumerRecord], generation: int
    ) -> None:
        topic = tp.topic.removeprefix(self._prefix)
        for record in records:
            if self._stopping.is_set() or generation != self._generation:
                break
            if not await self._delivery.deliver(record, topic):
                break
            self._uncommitted[tp] = record.offset + 1
        if (offset := self._uncommitted.get(tp)) is not None:
            await self._commit({tp: offset})

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        """Commit; on failure keep the offsets for the next commit (the messages may come again).

        Partitions no longer assigned are skipped: their new owner resumes from the last commit.
        """
        assigned = self._consumer.assignment()
        for tp in offsets.keys() - assigned:
            self._uncommitted.pop(tp, None)
        offsets = {tp: offset for tp, offset in offsets.items() if tp in assigned}
        if not offsets:
            return
        try:
            await self._consumer.commit(offsets)
        except KafkaError as exc:
            log.warning("offset commit failed, messages may be delivered again: %r", exc)
            return
        for tp, offset in offsets.items():
            if self._uncommitted.get(tp) == offset:
                del self._uncommitted[tp]

    async def _commit_revoked(self, revoked: Partitions) -> None:
        await self._commit({tp: o for tp, o in self._uncommitted.items() if tp in revoked})
        for tp in revoked:
            self._uncommitted.pop(tp, None)

    def _on_assigned(self, assigned: Partitions) -> None:
        self._generation += 1
        log.info("assigned partitions: %s", sorted(f"{tp.topic}/{tp.partition}" for tp in assigned))
