"""The production Kafka of docker-compose.yml, on a real broker: SCRAM users formatted in, ACLs
granted by deploy/kafka/acls.sh; each service writes the topics the catalogue gives it and no
other, consumes with its group; the subscriber reads over TLS and writes nothing.

See tests/integration/compose_kafka.py for how the compose settings become the broker's.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)
from pydantic import SecretStr
from pymongo.asynchronous.database import AsyncDatabase

from services.reporting.adapters.portal_refusals import PORTAL_DLQ
from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope
from shared.events.examples import example_event
from shared.kafka import EventConsumer, EventProducer, Subscriptions, ensure_topics
from shared.kafka.reader import read_topic
from shared.kafka.records import OutboundRecord
from shared.mongo import Document, Transaction, UnitOfWork, mongo_client, service_database
from shared.settings import ServiceSettings
from tests.integration.compose_kafka import ComposeKafka, compose_kafka
from tests.polling import eventually

pytestmark = pytest.mark.integration

REFUSAL_TIMEOUT_S = 30.0


def example(topic: str) -> Envelope[Any]:
    return example_event(CATALOGUE.for_topic(topic)[0])


@pytest.fixture(scope="module")
def kafka(settings: ServiceSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with compose_kafka(tmp_path_factory.mktemp("compose-kafka"), settings.topic_prefix) as broker:
        yield broker


def principal(
    settings: ServiceSettings, kafka: ComposeKafka, user: str, *, external: bool = False
) -> ServiceSettings:
    """The module's settings as ``user``, on the internal listener (or the external one)."""
    update: dict[str, Any] = {
        "service_name": user,
        "kafka_bootstrap_servers": kafka.internal,
        "kafka_security_protocol": "SASL_PLAINTEXT",
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": user,
        "kafka_sasl_password": SecretStr(kafka.passwords[user]),
    }
    if external:
        update |= {
            "kafka_bootstrap_servers": kafka.external,
            "kafka_security_protocol": "SASL_SSL",
            "kafka_ssl_cafile": str(kafka.ca_file),
        }
    return settings.model_copy(update=update)


@pytest.fixture(scope="module")
async def topics(settings: ServiceSettings, kafka: ComposeKafka) -> None:
    """Created as the services do at start-up (reporting creates every catalogue topic)."""
    await ensure_topics(principal(settings, kafka, "reporting"), CATALOGUE.topics)


@pytest.fixture(scope="module")
async def db(settings: ServiceSettings) -> AsyncIterator[AsyncDatabase[Document]]:
    client = mongo_client(settings)
    yield service_database(client, settings)
    await client.close()


async def publish_as(settings: ServiceSettings, event: Envelope[Any]) -> None:
    async with asyncio.timeout(REFUSAL_TIMEOUT_S), EventProducer(settings) as producer:
        await producer.publish(event)


@pytest.mark.usefixtures("topics")
@pytest.mark.parametrize(
    ("service", "topic"),
    [("intake", "case-submitted"), ("workflow", "step-completed"), ("notify", "notification-sent")],
)
async def test_a_service_writes_the_topics_it_owns(
    settings: ServiceSettings, kafka: ComposeKafka, service: str, topic: str
) -> None:
    await publish_as(principal(settings, kafka, service), example(topic))


@pytest.mark.usefixtures("topics")
@pytest.mark.parametrize(
    ("service", "topic"),
    [("intake", "step-completed"), ("notify", "case-resolved"), ("reporting", "case-submitted")],
)
async def test_a_service_cannot_write_another_services_topic(
    settings: ServiceSettings, kafka: ComposeKafka, service: str, topic: str
) -> None:
    with pytest.raises(TopicAuthorizationFailedError):
        await publish_as(principal(settings, kafka, service), example(topic))


async def test_reporting_alone_parks_the_portal_refusals(
    settings: ServiceSettings, kafka: ComposeKafka
) -> None:
    reporting = principal(settings, kafka, "reporting")
    await ensure_topics(reporting, [PORTAL_DLQ], with_dead_letters=False)
    letter = OutboundRecord(PORTAL_DLQ, "SNV.NA-250714-0301", b"{}")
    async with asyncio.timeout(REFUSAL_TIMEOUT_S), EventProducer(reporting) as producer:
        await producer.send(letter)
    with pytest.raises(TopicAuthorizationFailedError):
        async with asyncio.timeout(REFUSAL_TIMEOUT_S):
            async with EventProducer(principal(settings, kafka, "intake")) as producer:
                await producer.send(letter)


@pytest.mark.usefixtures("topics")
async def test_a_service_consumes_with_its_own_group(
    settings: ServiceSettings, kafka: ComposeKafka, db: AsyncDatabase[Document]
) -> None:
    submitted = example("case-submitted")
    await publish_as(principal(settings, kafka, "intake"), submitted)
    seen: list[Envelope[Any]] = []

    async def record(tx: Transaction, event: Envelope[Any]) -> None:
        seen.append(event)

    workflow = principal(settings, kafka, "workflow")
    async with (
        EventProducer(workflow) as producer,
        EventConsumer(
            workflow, Subscriptions({"case-submitted": record}), UnitOfWork(db), producer
        ),
    ):
        await eventually(lambda: _now(seen), what="workflow to consume case-submitted")
    assert submitted.id in {event.id for event in seen}


@pytest.mark.usefixtures("topics")
async def test_the_subscriber_reads_over_tls_and_writes_nothing(
    settings: ServiceSettings, kafka: ComposeKafka
) -> None:
    submitted = example("case-rated")
    await publish_as(principal(settings, kafka, "intake"), submitted)
    subscriber = principal(settings, kafka, "subscriber", external=True)
    read = await read_topic(subscriber, "case-rated")
    assert submitted.model_dump_json().encode() in [record.value for record in read]
    # Refused at its first request: an idempotent producer needs IdempotentWrite on the cluster.
    with pytest.raises((ClusterAuthorizationFailedError, TopicAuthorizationFailedError)):
        await publish_as(subscriber, example("case-rated"))


async def test_tls_without_credentials_is_refused(
    settings: ServiceSettings, kafka: ComposeKafka
) -> None:
    anonymous = settings.model_copy(
        update={
            "kafka_bootstrap_servers": kafka.external,
            "kafka_security_protocol": "SSL",
            "kafka_ssl_cafile": str(kafka.ca_file),
        }
    )
    producer = EventProducer(anonymous)
    with pytest.raises(KafkaConnectionError):
        async with asyncio.timeout(REFUSAL_TIMEOUT_S):
            await producer.start()
    await producer.stop()


async def _now(items: list[Envelope[Any]]) -> list[Envelope[Any]]:
    return items
