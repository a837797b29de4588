"""Creating the catalogue topics (and their dead-letter topics) before anyone subscribes.

Brokers may auto-create topics, but a consumer that subscribes to a topic which does not exist yet
races with its creation and can miss the first assignment; creating them up front avoids that.
"""

import asyncio
from collections.abc import Iterable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError, for_code

from shared.kafka.connection import client_options
from shared.kafka.deadletter import dlq_topic
from shared.settings import ServiceSettings

READY_TIMEOUT_S = 30.0
DEFAULT_REPLICATION_FACTOR = "default.replication.factor"


async def ensure_topics(
    settings: ServiceSettings,
    topics: Iterable[str],
    *,
    partitions: int = 3,
    replication_factor: int | None = None,
    with_dead_letters: bool = True,
) -> list[str]:
    """Create the catalogue ``topics`` under the settings' prefix if missing; wait until usable.

    Without a ``replication_factor``, the brokers' ``default.replication.factor`` (1 for the
    local broker, 3 for a cluster). Returns the real (prefixed) names. Existing topics are left
    as they are.
    """
    names = [settings.topic(t) for t in topics]
    if with_dead_letters:
        names += [settings.topic(dlq_topic(t)) for t in topics]
    admin = AIOKafkaAdminClient(**client_options(settings))
    try:
        # Inside the try: a start that fails half-way still has connections to close.
        await admin.start()
        factor = replication_factor or await default_replication_factor(admin)
        response = await admin.create_topics([NewTopic(name, partitions, factor) for name in names])
        raise_creation_errors(response.to_object())
        await wait_until_led(admin, names)
    finally:
        await admin.close()
    return names


async def default_replication_factor(admin: AIOKafkaAdminClient) -> int:
    """The brokers' default.replication.factor: what Kafka's own clients get by asking for -1,
    which aiokafka's version of CreateTopics cannot send."""
    broker = (await admin.describe_cluster())["brokers"][0]["node_id"]
    wanted = ConfigResource(
        ConfigResourceType.BROKER, str(broker), {DEFAULT_REPLICATION_FACTOR: None}
    )
    (response,) = await admin.describe_configs([wanted])
    (resource,) = response.to_object()["resources"]
    if resource["error_code"]:
        raise for_code(resource["error_code"])(resource["error_message"])
    (entry,) = resource["config_entries"]
    return int(entry["config_value"])


def raise_creation_errors(response: dict[str, Any]) -> None:
    for topic in response.get("topic_errors") or response.get("topics") or []:
        error = for_code(topic["error_code"])
        if topic["error_code"] and error is not TopicAlreadyExistsError:
            raise error(f"cannot create topic {topic.get('topic') or topic.get('name')}")


async def wait_until_led(admin: AIOKafkaAdminClient, names: list[str]) -> None:
    """Poll metadata until every partition of every topic has a leader."""
    async with asyncio.timeout(READY_TIMEOUT_S):
        while True:
            described = await admin.describe_topics(names)
            if len(described) == len(names) and all(is_led(t) for t in described):
                return
            await asyncio.sleep(0.05)


def is_led(topic: dict[str, Any]) -> bool:
    partitions = topic.get("partitions") or []
    return (
        topic["error_code"] == 0 and bool(partitions) and all(p["leader"] >= 0 for p in partitions)
    )
