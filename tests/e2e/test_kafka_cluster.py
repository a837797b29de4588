"""Kafka as a distributed engine: a node of three killed with -9 in the middle of a burst.

The cluster is the local stack's (``devstack.kafka.cluster``: three KRaft nodes, each a broker and
a controller; topics, committed offsets and transaction state on all three, two in sync for a
write), started by this module on ports of its own and stopped when it ends. The burst takes the
project's own path: each event stored in a unit of work (the outbox), published by the outbox
relay through ``EventProducer`` (idempotent, acks=all), applied by the consumer runner in units of
work. Once a quarter is applied, the node leading the topic's first partition is killed; the
second half of the burst is offered only then. Every event's applications are counted in what the
consumer stored: lost and duplicated must both be 0.
"""

import asyncio
import os
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from pymongo.asynchronous.database import AsyncDatabase

from devstack.kafka import cluster as kafka_cluster
from shared.events.envelope import Envelope
from shared.kafka import EventConsumer, EventProducer, Subscriptions, ensure_topics
from shared.kafka.connection import client_options
from shared.kafka.reader import read_topic
from shared.mongo import Document, Transaction, UnitOfWork, ensure_indexes, service_database
from shared.mongo import mongo_client as store_client
from shared.outbox import INDEXES, OutboxRelay
from shared.settings import ServiceSettings
from tests.e2e.fault_support import say
from tests.e2e.running_services import free_port
from tests.integration.plumbing_support import TOPIC, rated
from tests.polling import eventually

pytestmark = pytest.mark.fault

NODES = 3
BURST = 400
START_TIMEOUT_S = 120.0
# A dead node is fenced after 4 s (devstack.kafka.broker); its partitions then move.
SETTLE_TIMEOUT_S = 60.0
APPLIED = "applied"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kafka_cluster.Cluster]:
    ports = {setting: free_port() for setting in kafka_cluster.ports(NODES)}
    nodes = kafka_cluster.cluster(tmp_path_factory.mktemp("kafka-cluster"), ports, NODES)
    try:
        nodes.up(timeout_s=START_TIMEOUT_S)
        yield nodes
    finally:
        nodes.down()


@pytest.fixture(scope="module")
def on_cluster(settings: ServiceSettings, cluster: kafka_cluster.Cluster) -> ServiceSettings:
    """The module's settings (its store database, its topic prefix) on the cluster."""
    bootstrap = cluster.components[0].environment()["KAFKA_BOOTSTRAP_SERVERS"]
    return settings.model_copy(
        update={"kafka_bootstrap_servers": bootstrap, "outbox_poll_interval_s": 0.05}
    )


@pytest.fixture(scope="module")
async def db(on_cluster: ServiceSettings) -> AsyncIterator[AsyncDatabase[Document]]:
    client = store_client(on_cluster)
    db = service_database(client, on_cluster)
    await ensure_indexes(db, INDEXES)
    yield db
    await client.close()


async def test_a_node_killed_mid_burst_loses_and_duplicates_nothing(
    cluster: kafka_cluster.Cluster,
    on_cluster: ServiceSettings,
    db: AsyncDatabase[Document],
    request: pytest.FixtureRequest,
) -> None:
    topic = (await ensure_topics(on_cluster, [TOPIC], with_dead_letters=False))[0]
    leaders, replicas = await placement(on_cluster, topic)
    # Given no replication factor, ensure_topics took the cluster's default.
    assert replicas == {NODES}, replicas
    events = [rated(f"SNV.NA-251202-{n:04d}") for n in range(BURST)]
    uow = UnitOfWork(db)
    killed = asyncio.Event()
    seen: dict[str, Any] = {}

    async def offer() -> None:
        for n, event in enumerate(events):
            if n == BURST // 2:
                await killed.wait()
            await uow.run(queued(event))

    async def kill() -> None:
        seen["applied"] = await eventually(
            lambda: db[APPLIED].count_documents({}),
            until=lambda n: n >= BURST // 4,
            what="a quarter of the burst applied",
        )
        victim = next(node for node in cluster.components if node.name == f"kafka-{leaders[0]}")
        pid = victim.process.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        seen["node"], seen["at"] = victim.name, time.monotonic()
        killed.set()

    async with (
        EventProducer(on_cluster) as producer,
        OutboxRelay(db, producer, on_cluster),
        EventConsumer(on_cluster, Subscriptions({TOPIC: count}), uow, producer, group="counter"),
    ):
        await asyncio.gather(offer(), kill())
        await eventually(
            lambda: db[APPLIED].count_documents({}),
            until=lambda n: n >= BURST,
            what="every event applied",
            timeout_s=SETTLE_TIMEOUT_S,
        )
        settled_s = time.monotonic() - seen["at"]
    counts = {doc["_id"]: doc["n"] async for doc in db[APPLIED].find({})}
    offered = {str(event.id) for event in events}
    lost = len(offered - set(counts))
    duplicated = sum(n - 1 for n in counts.values())
    copies = Counter(dict(r.headers)["ce_id"].decode() for r in await read_topic(on_cluster, TOPIC))
    say(
        request.config,
        f"fault [kill -9 of {seen['node']} of {NODES} Kafka nodes]: offered {BURST}, stored "
        f"{len(counts)}, lost {lost}, duplicated {duplicated}; killed after {seen['applied']} "
        f"applied, all applied {settled_s:.1f} s after the kill; records on the topic "
        f"{sum(copies.values())} ({sum(n - 1 for n in copies.values())} published again)",
    )
    assert set(counts) == offered
    assert lost == 0
    assert duplicated == 0


def queued(event: Envelope[Any]) -> Callable[[Transaction], Awaitable[None]]:
    """A unit of work that stores ``event`` on the outbox."""

    async def work(tx: Transaction) -> None:
        tx.publish(event)

    return work


async def count(tx: Transaction, event: Envelope[Any]) -> None:
    """The consumer's effect: one more application of this event."""
    tx.update(APPLIED, {"_id": str(event.id)}, {"$inc": {"n": 1}}, upsert=True)


async def placement(settings: ServiceSettings, topic: str) -> tuple[list[int], set[int]]:
    """The leader of each partition, and the replica counts found."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = sorted(described["partitions"], key=lambda p: p["partition"])
    return [p["leader"] for p in partitions], {len(p["replicas"]) for p in partitions}
