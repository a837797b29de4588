"""Publishing events (and raw messages) to Kafka, waiting for the broker's acknowledgement."""

import asyncio
from types import TracebackType
from typing import Self

from aiokafka import AIOKafkaProducer
from aiokafka.structs import RecordMetadata

from shared.events.envelope import Envelope
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
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=settings.service_name,
            enable_idempotence=True,
            acks="all",
        )

    async def start(self) -> None:
        await self._producer.start()

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

    async def publish(self, event: Envelope) -> RecordMetadata:
        """Publish one event to its catalogue topic, keyed by case code."""
        return await self.send(record_for(event))

    async def send(self, record: OutboundRecord) -> RecordMetadata:
        """Publish a prepared record (the outbox relay stores records, not envelopes)."""
        metadata = await self.publish_raw(
            record.topic, record.value, key=record.key.encode(), headers=record.headers
        )
        EVENTS_PUBLISHED.labels(topic=record.topic).inc()
        return metadata

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
