"""Reading every partition of the catalogue topics from offset 0 up to the end offsets captured
when the replay starts, in batches. No consumer group: partitions are assigned, nothing is
committed, so the live consumer's group is untouched. Given a Progress, it shows the offsets read
of those to read (counting the transaction markers, which are no events)."""

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord

from shared.events.codec import DecodeError
from shared.events.envelope import Envelope
from shared.kafka.connection import client_options
from shared.kafka.provenance import read_event
from shared.progress import Progress
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)
FETCH_TIMEOUT_MS = 500


@dataclass
class ReplayStats:
    messages: int = 0
    undecodable: int = 0


class TopicReplay:
    def __init__(
        self,
        settings: ServiceSettings,
        topics: list[str],
        batch_size: int,
        progress: Progress | None = None,
    ) -> None:
        self._settings = settings
        self._topics = {settings.topic(t): t for t in topics}
        self._batch_size = batch_size
        self._progress = progress
        self._spans: dict[TopicPartition, tuple[int, int]] = {}  # first and end offset to read
        self.stats = ReplayStats()
        self._consumer = AIOKafkaConsumer(
            **client_options(settings),
            client_id=f"{settings.service_name}-rebuild",
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=batch_size,
            fetch_max_bytes=64 * 1024 * 1024,
            max_partition_fetch_bytes=16 * 1024 * 1024,
        )

    async def batches(self) -> AsyncIterator[list[Envelope[Any]]]:
        """Decoded events, batch by batch, until every partition reached its captured end."""
        await self._consumer.start()
        try:
            remaining = await self._assign()
            while remaining:
                fetched = await self._consumer.getmany(
                    timeout_ms=FETCH_TIMEOUT_MS, max_records=self._batch_size
                )
                batch: list[Envelope[Any]] = []
                for tp, records in fetched.items():
                    end = remaining.get(tp)
                    if end is not None:
                        batch += self._decode(tp, [r for r in records if r.offset < end])
                await self._drop_finished(remaining)
                await self._show_progress()
                if batch:
                    yield batch
        finally:
            await self._consumer.stop()

    async def _drop_finished(self, remaining: dict[TopicPartition, int]) -> None:
        """Forget the partitions read up to their captured end. By position, not by the last
        record's offset: the last offsets may hold no record (transaction markers), and waiting
        for one would never end."""
        for tp, end in list(remaining.items()):
            if await self._consumer.position(tp) >= end:
                del remaining[tp]
                self._consumer.pause(tp)

    async def _show_progress(self) -> None:
        if self._progress is None:
            return
        done = 0
        for tp, (start, end) in self._spans.items():
            done += min(await self._consumer.position(tp), end) - start
        self._progress.update(done)

    async def _assign(self) -> dict[TopicPartition, int]:
        partitions = await self._partitions()
        if not partitions:
            return {}
        self._consumer.assign(partitions)
        await self._consumer.seek_to_beginning(*partitions)
        ends = await self._consumer.end_offsets(partitions)
        starts = await self._consumer.beginning_offsets(partitions)
        self._spans = {tp: (starts[tp], end) for tp, end in ends.items() if end > starts[tp]}
        if self._progress is not None:
            self._progress.total = sum(end - start for start, end in self._spans.values())
        return {tp: end for tp, (_, end) in self._spans.items()}

    async def _partitions(self) -> list[TopicPartition]:
        admin = AIOKafkaAdminClient(**client_options(self._settings))
        await admin.start()
        try:
            described = await admin.describe_topics(list(self._topics))
        finally:
            await admin.close()
        return [
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described
            if topic["error_code"] == 0
            for partition in topic["partitions"]
        ]

    def _decode(self, tp: TopicPartition, records: list[ConsumerRecord]) -> list[Envelope[Any]]:
        events = []
        for record in records:
            self.stats.messages += 1
            try:
                # As the live consumer reads: a foreign source is no event of the topic's.
                events.append(read_event(record.value, topic=self._topics[tp.topic]))
            except DecodeError as exc:
                # The live consumer dead-lettered it already; the replay only counts it.
                self.stats.undecodable += 1
                log.warning("skipping undecodable message %s@%d: %s", tp, record.offset, exc)
        return events
