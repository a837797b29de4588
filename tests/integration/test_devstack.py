"""The servers the fixtures provide answer real clients: Kafka round-trips, MongoDB stores."""

import asyncio
import secrets

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from shared.settings import ServiceSettings

DEADLINE_S = 30.0


async def test_a_message_produced_to_kafka_is_consumed(settings: ServiceSettings) -> None:
    topic = settings.topic("devstack-round-trip")
    payload = secrets.token_bytes(16)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, payload, key=b"k")
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=f"{settings.topic_prefix}devstack",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), DEADLINE_S)
    finally:
        await consumer.stop()
    assert (record.key, record.value) == (b"k", payload)


async def test_a_document_inserted_in_mongodb_is_found(database: AsyncDatabase) -> None:
    await database.cases.insert_one({"_id": "HS-1", "status": "received", "fee_vnd": 50_000})

    found = await database.cases.find_one({"status": "received"})

    assert found == {"_id": "HS-1", "status": "received", "fee_vnd": 50_000}
