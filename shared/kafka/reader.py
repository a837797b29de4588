"""Reading a whole topic as it is now: to inspect dead letters, and to check what was published."""

import asyncio

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord

from shared.kafka.connection import client_options
from shared.settings import ServiceSettings

POLL_MS = 100


async def read_topic(
    settings: ServiceSettings, topic: str, *, timeout_s: float = 10.0
) -> list[ConsumerRecord]:
    """Every message of the catalogue ``topic`` (prefixed by the settings), up to its current end,
    in order per partition.

    Joins no consumer group and commits nothing, so it disturbs no consumer.
    """
    reader = AIOKafkaConsumer(
        settings.topic(topic),
        **client_options(settings),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    try:
        # Inside the try: a start that fails half-way still has connections to close.
        await reader.start()
        async with asyncio.timeout(timeout_s):
            return await _read_to_end(reader)
    finally:
        await reader.stop()


async def _read_to_end(reader: AIOKafkaConsumer) -> list[ConsumerRecord]:
    records: list[ConsumerRecord] = []
    # Without a group every partition is assigned as soon as the topic's metadata arrives.
    while not reader.assignment():
        records += _flatten(await reader.getmany(timeout_ms=POLL_MS))
    end = await reader.end_offsets(list(reader.assignment()))
    while any([await reader.position(tp) < offset for tp, offset in end.items()]):
        records += _flatten(await reader.getmany(timeout_ms=POLL_MS))
    return records


def _flatten(batch: dict[object, list[ConsumerRecord]]) -> list[ConsumerRecord]:
    return [record for records in batch.values() for record in records]
