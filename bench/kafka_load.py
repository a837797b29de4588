"""Loading a topic for a benchmark: events encoded up front, then sent as fast as the client can.

Benchmarks time the service consuming them, so encoding must not count and the send bypasses our
``EventProducer`` (its per-event acks would pace the load).
"""

import asyncio
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer

from shared.events.envelope import Envelope
from shared.kafka.records import record_for
from shared.settings import ServiceSettings

RawRecord = tuple[bytes, bytes]


def raw_records(envelopes: Iterable[Envelope]) -> list[RawRecord]:
    """Each event as the (key, value) bytes it travels as."""
    records = []
    for envelope in envelopes:
        record = record_for(envelope)
        records.append((record.key.encode(), record.value))
    return records


async def publish_raw(
    settings: ServiceSettings, topic: str, records: list[RawRecord], *, linger_ms: int = 20
) -> None:
    """Send ``records`` to ``topic`` (unprefixed name), pipelined, and wait for every ack."""
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        linger_ms=linger_ms,
        enable_idempotence=True,
    )
    await producer.start()
    try:
        sent = [await producer.send(settings.topic(topic), v, key=k) for k, v in records]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
