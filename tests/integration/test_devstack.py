"""The servers the fixtures provide answer real clients: Kafka round-trips, MongoDB stores.

And the SMTP sink of the notify service, run in-process on loopback."""

import asyncio
import operator
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosmtplib
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from devstack.sinks.inbox import Inbox
from devstack.sinks.running import running_sinks
from devstack.sinks.smtp import SmtpSink
from shared.settings import ServiceSettings
from tests.polling import eventually

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


def closed_sessions(sink: SmtpSink) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        # Private, but the point of the test: no reference kept to sessions that ended.
        return all(session.transport is None for session in sink._sessions)

    return check


async def connected(client: aiosmtplib.SMTP) -> bool:
    return client.is_connected


async def test_the_smtp_sink_keeps_only_the_sessions_still_open(tmp_path: Path) -> None:
    sink = SmtpSink(Inbox(tmp_path / "mail.jsonl"))
    await sink.start()
    try:
        for _ in range(5):
            client = aiosmtplib.SMTP(hostname=sink.host, port=sink.port, timeout=5)
            await client.connect()
            await client.quit()
            await eventually(closed_sessions(sink), what="the sink to see the session close")
        opened = aiosmtplib.SMTP(hostname=sink.host, port=sink.port, timeout=5)
        await opened.connect()
        assert len(sink._sessions) == 1
    finally:
        await sink.stop()


async def test_stopping_the_smtp_sink_drops_the_open_connections(tmp_path: Path) -> None:
    sink = SmtpSink(Inbox(tmp_path / "mail.jsonl"))
    await sink.start()
    try:
        earlier = aiosmtplib.SMTP(hostname=sink.host, port=sink.port, timeout=5)
        await earlier.connect()
        await earlier.quit()
        opened = aiosmtplib.SMTP(hostname=sink.host, port=sink.port, timeout=5)
        await opened.connect()
    finally:
        await sink.stop()
    await eventually(lambda: connected(opened), until=operator.not_, what="the drop")


async def test_the_sms_sink_drops_a_repeat_of_one_reference_as_gateways_do(tmp_path: Path) -> None:
    async with running_sinks(tmp_path) as sinks:
        assert (await sinks.http.get("/healthz")).json() == {"status": "ok"}
        for _ in range(2):
            response = await sinks.http.post(
                "/sms", json={"to": "0912345678", "text": "a"}, headers={"Idempotency-Key": "d-1"}
            )
            assert response.status_code == 200
        await sinks.http.post("/sms", json={"to": "0912345678", "text": "b", "reference": "d-2"})
        await sinks.http.post("/sms", json={"to": "0912345678", "text": "b", "reference": "d-2"})
        listed = (await sinks.http.get("/sms")).json()
        assert [(item["reference"], item["body"]["text"]) for item in listed] == [
            ("d-1", "a"),
            ("d-2", "b"),
        ]
