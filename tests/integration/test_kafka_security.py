"""Kafka with a SASL SCRAM-SHA-512 listener: refused without credentials, served with them through
the project's own clients; and events from a source that does not own their topic dead-lettered.

The broker is one of the module's own (tests/integration/secured_stack.py); the store is the
shared one.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError, KafkaError
from pydantic import SecretStr
from pymongo.asynchronous.database import AsyncDatabase

from devstack.kafka import Kafka
from devstack.stack import Stack
from services.reporting.adapters.replay import TopicReplay
from shared.events.codec import encode
from shared.events.envelope import Envelope
from shared.kafka import EventConsumer, EventProducer, Subscriptions, dlq_topic, ensure_topics
from shared.kafka.reader import read_topic
from shared.mongo import Document, Transaction, UnitOfWork, mongo_client, service_database
from shared.settings import ServiceSettings
from tests.integration.plumbing_support import TOPIC, rated
from tests.integration.secured_stack import secured_stack
from tests.polling import eventually

pytestmark = pytest.mark.integration

REFUSAL_TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kafka]:
    data: Path = tmp_path_factory.mktemp("sasl-kafka")
    with secured_stack(data, (Kafka,)) as stack:
        yield _kafka(stack)


def _kafka(stack: Stack) -> Kafka:
    [kafka] = stack.components
    assert isinstance(kafka, Kafka)
    return kafka


@pytest.fixture(scope="module")
async def secured(settings: ServiceSettings, broker: Kafka) -> ServiceSettings:
    """The module's settings (its database in the shared store) on the SASL broker, logged in."""
    credentials = broker.client_settings()
    changed = settings.model_copy(
        update={
            "kafka_bootstrap_servers": credentials.kafka_bootstrap_servers,
            "kafka_security_protocol": credentials.kafka_security_protocol,
            "kafka_sasl_mechanism": credentials.kafka_sasl_mechanism,
            "kafka_sasl_username": credentials.kafka_sasl_username,
            "kafka_sasl_password": credentials.kafka_sasl_password,
            "consumer_max_attempts": 2,
            "consumer_backoff_initial_s": 0.01,
            "consumer_backoff_max_s": 0.05,
        }
    )
    assert changed.kafka_security_protocol == "SASL_PLAINTEXT"
    assert changed.kafka_sasl_mechanism == "SCRAM-SHA-512"
    await ensure_topics(changed, [TOPIC], partitions=1)
    return changed


@pytest.fixture(scope="module")
async def db(secured: ServiceSettings) -> AsyncIterator[AsyncDatabase[Document]]:
    client = mongo_client(secured)
    yield service_database(client, secured)
    await client.close()


def anonymous(secured: ServiceSettings) -> ServiceSettings:
    return ServiceSettings(
        kafka_bootstrap_servers=secured.kafka_bootstrap_servers,
        kafka_security_protocol="PLAINTEXT",
        topic_prefix=secured.topic_prefix,
    )


async def test_a_client_without_credentials_is_refused(secured: ServiceSettings) -> None:
    producer = EventProducer(anonymous(secured))
    with pytest.raises(KafkaConnectionError):
        async with asyncio.timeout(REFUSAL_TIMEOUT_S):
            await producer.start()
    await producer.stop()
    with pytest.raises((KafkaError, TimeoutError)):
        await read_topic(anonymous(secured), TOPIC, timeout_s=5)


async def test_a_client_with_a_wrong_password_is_refused(
    secured: ServiceSettings, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = secured.model_copy(update={"kafka_sasl_password": SecretStr("not-the-password")})
    producer = EventProducer(wrong)
    with pytest.raises(KafkaConnectionError):
        async with asyncio.timeout(REFUSAL_TIMEOUT_S):
            await producer.start()
    await producer.stop()
    # aiokafka reports "unable to bootstrap"; the broker's answer is in its log line.
    assert "SaslAuthenticationFailed" in caplog.text


async def test_a_service_with_credentials_publishes_consumes_reads_and_replays(
    secured: ServiceSettings, db: AsyncDatabase[Document]
) -> None:
    event = rated("SNV.NA-251202-0001")
    applied: list[Envelope[Any]] = []

    async def record(tx: Transaction, seen: Envelope[Any]) -> None:
        if seen.id == event.id:
            applied.append(seen)

    async with EventProducer(secured) as producer:
        await producer.publish(event)
        subscriptions = Subscriptions({TOPIC: record})
        async with EventConsumer(secured, subscriptions, UnitOfWork(db), producer, group="sasl"):
            await eventually(lambda: _now(applied), what="the event applied over SASL")
    assert [e.id for e in applied] == [event.id]
    assert encode(event) in [r.value for r in await read_topic(secured, TOPIC)]
    replay = TopicReplay(secured, [TOPIC], batch_size=100)
    replayed = [e.id async for batch in replay.batches() for e in batch]
    assert event.id in replayed


async def test_an_event_from_a_source_that_does_not_own_the_topic_is_dead_lettered(
    secured: ServiceSettings, db: AsyncDatabase[Document]
) -> None:
    case = "SNV.NA-251202-0002"
    # case-rated belongs to intake: notify (or anyone with a shared account) may not speak for it.
    forged = rated(case).model_copy(update={"source": "/onestop/notify"})
    genuine = rated(case)
    applied: list[Envelope[Any]] = []

    async def record(tx: Transaction, seen: Envelope[Any]) -> None:
        if seen.subject == case:
            applied.append(seen)

    async with EventProducer(secured) as producer:
        # Same key, same partition: the genuine event is reached only past the forged one.
        await producer.publish(forged)
        await producer.publish(genuine)
        subscriptions = Subscriptions({TOPIC: record})
        async with EventConsumer(
            secured, subscriptions, UnitOfWork(db), producer, group="provenance"
        ) as running:
            await eventually(lambda: _now(applied), what="the genuine event applied")
    assert [e.id for e in applied] == [genuine.id], "the forged event had no effect"
    [parked] = [r for r in await read_topic(secured, dlq_topic(TOPIC)) if r.key == case.encode()]
    assert parked.value == encode(forged)
    headers = dict(parked.headers)
    assert headers["dlq_reason"] == (
        b"source '/onestop/notify' does not own topic 'case-rated': "
        b"only '/onestop/intake' publishes there"
    )
    assert headers["dlq_exception_type"] == b"ForeignSource"
    assert headers["dlq_consumer_group"] == running.group.encode()


async def _now(items: list[Envelope[Any]]) -> list[Envelope[Any]]:
    return items
