"""Publishing events (and raw messages) to Kafka, waiting for the broker's acknowledgement."""

import asyncio
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

from aiokafka import AIOKafkaProducer
from aiokafka.structs import RecordMetadata

from shared.events.envelope import Envelope
from shared.kafka.connection import client_options
from shared.kafka.metrics import EVENTS_PUBLISHED
from shared.kafka.records import Headers, OutboundRecord, record_for
from shared.settings import ServiceSettings


class EventProducer:
    """An idempotent producer (acks from all in-sync replicas, no duplicates on internal retries).

    Topic names given to it are catalogue names; it adds the deployment's prefix.
    """

    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self._producer = AIOKafkaProducer(
            **client_options(settings),
            client_id=settings.service_name,
            enable_idempotence=True,
            acks="all",
        )

    async def start(self) -> None:
        try:
            await self._producer.start()
        except BaseException:
            # A start refused half-way (e.g. bad credentials) still has connections to close.
            await self._producer.stop()
            raise

    async def stop(self) -> None:
        await self._producer.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def publish(self, event: Envelope[Any]) -> RecordMetadata:
        """Publish one event to its catalogue topic, keyed by case code."""
        return await self.send(record_for(event))

    async def send(self, record: OutboundRecord) -> RecordMetadata:
        """Publish a prepared record (the outbox relay stores records, not envelopes)."""
        metadata = await self.publish_raw(
            record.topic, record.value, key=record.key.encode(), headers=record.headers
        )
        EVENTS_PUBLISHED.labels(topic=record.topic).inc()
        return metadata

    async def send_batch(self, records: Sequence[OutboundRecord]) -> list[BaseException | None]:
        """Publish records in order without waiting for each acknowledgement in turn.

        All are handed to the producer first (which keeps their order per partition and batches
        them), then the acknowledgements are awaited. Per record: None once acknowledged, or the
        error that stopped it.
        """
        pending: list[asyncio.Future[RecordMetadata] | BaseException] = []
        for record in records:
            try:
                pending.append(
                    await self._producer.send(
                        self._settings.topic(record.topic),
                        record.value,
                        key=record.key.encode(),
                        headers=record.headers,
                    )
                )
            except Exception as error:  # e.g. a record too large: the others still go
                pending.append(error)
        outcomes: list[BaseException | None] = []
        for record, sent in zip(records, pending, strict=True):
            outcomes.append(await _acknowledged(sent))
            if outcomes[-1] is None:
                EVENTS_PUBLISHED.labels(topic=record.topic).inc()
        return outcomes

    async def publish_raw(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers | None = None,
    ) -> RecordMetadata:
        """Publish bytes as they are: dead letters, and poison messages in tests."""
        return await self._producer.send_and_wait(
            self._settings.topic(topic), value, key=key, headers=headers or []
        )

    async def ping(self, timeout_s: float = 2.0) -> None:
        """Readiness: return when a broker answers a metadata request, raise otherwise."""
        async with asyncio.timeout(timeout_s):
            await self._producer.client.fetch_all_metadata()


async def _acknowledged(
    sent: "asyncio.Future[RecordMetadata] | BaseException",
) -> BaseException | None:
    if isinstance(sent, BaseException):
        return sent
    try:
        await sent
    except Exception as error:
        return error
    return None
