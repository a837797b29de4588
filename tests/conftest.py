"""Fixtures for every test folder: a marker per folder, the real servers, settings per module.

Only integration and e2e tests may ask for servers. They come from, in this order: the
environment (KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI), testcontainers when a Docker engine
answers, or the local stack of devstack (real Kafka and SecantusDB on loopback, started if needed).
"""

import os
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from shared.kafka.connection import client_options
from shared.settings import ServiceSettings

TESTS_DIR = Path(__file__).resolve().parent
FOLDER_MARKERS = ("unit", "integration", "e2e")
# The Confluent images are the ones testcontainers' KafkaContainer knows how to configure.
KAFKA_IMAGE = os.environ.get("TESTCONTAINERS_KAFKA_IMAGE", "confluentinc/cp-kafka:8.0.0")
MONGODB_IMAGE = os.environ.get("TESTCONTAINERS_MONGODB_IMAGE", "mongo:7")
_CHOSEN = pytest.StashKey[str]()


@dataclass(frozen=True)
class Servers:
    kafka_bootstrap_servers: str
    mongodb_uri: str
    kind: str  # "environment", "testcontainers" or "local stack"

    def describe(self) -> str:
        return f"{self.kind} (Kafka {self.kafka_bootstrap_servers}, MongoDB {self.mongodb_uri})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not item.path.is_relative_to(TESTS_DIR):
            continue
        folder = item.path.relative_to(TESTS_DIR).parts[0]
        if folder not in FOLDER_MARKERS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in tests/{{unit,integration,e2e}}")
        item.add_marker(folder)
        if folder == "unit" and "servers" in getattr(item, "fixturenames", ()):
            raise pytest.UsageError(f"{item.nodeid}: unit tests must not use real servers")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    chosen = terminalreporter.config.stash.get(_CHOSEN, None)
    if chosen is not None:
        terminalreporter.write_sep("-", f"servers: {chosen}")


@pytest.fixture(scope="session")
def servers(request: pytest.FixtureRequest) -> Iterator[Servers]:
    with ExitStack() as cleanup:
        found = _from_environment()
        if found is None:
            found = _from_testcontainers(cleanup)
        if found is None:
            _say(request.config, "servers: bringing up the local stack (python -m devstack up)")
            found = _from_local_stack(cleanup)
        request.config.stash[_CHOSEN] = found.describe()
        _say(request.config, f"servers: {found.describe()}")
        yield found


@pytest.fixture(scope="module")
async def settings(
    servers: Servers, request: pytest.FixtureRequest
) -> AsyncIterator[ServiceSettings]:
    """Settings on the real servers, with a database and topic prefix no other module uses."""
    module = request.module.__name__.rpartition(".")[2].removeprefix("test_")
    token = secrets.token_hex(4)
    settings = ServiceSettings(
        kafka_bootstrap_servers=servers.kafka_bootstrap_servers,
        mongodb_uri=servers.mongodb_uri,
        # MongoDB database names: at most 63 bytes, no "." or "/".
        mongodb_database=f"t_{re.sub(r'[^A-Za-z0-9]+', '_', module)[:48]}_{token}",
        # Hyphens only: Kafka refuses topics whose names differ only by "." versus "_".
        topic_prefix=f"t-{re.sub(r'[^A-Za-z0-9]+', '-', module)}-{token}.",
    )
    yield settings
    # The module's database stays: dropping a database on SecantusDB 0.7.0b3 takes its global lock
    # and then waits for any transaction still holding a row of that database, which never ends
    # (see devstack/store/secantus.py). Every module has a database of its own, so what stays
    # disturbs nothing; `python -m devstack reset` wipes it.
    await _delete_topics(settings)


def _from_environment() -> Servers | None:
    kafka, mongodb = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URI")
    if not kafka or not mongodb:
        return None
    return Servers(kafka, mongodb, "environment")


def _from_testcontainers(cleanup: ExitStack) -> Servers | None:
    from docker.errors import DockerException
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.mongodb import MongoDbContainer

    try:
        # Both constructors ask the Docker engine for its version: without one they raise.
        kafka = KafkaContainer(KAFKA_IMAGE).with_kraft()
        mongodb = MongoDbContainer(MONGODB_IMAGE)
    except DockerException:
        return None
    # The same broker settings as the local stack's (devstack/kafka/broker.py).
    for name, value in {
        "KAFKA_NUM_PARTITIONS": "3",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "true",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
    }.items():
        kafka.with_env(name, value)
    cleanup.enter_context(kafka)
    cleanup.enter_context(mongodb)
    return Servers(kafka.get_bootstrap_server(), mongodb.get_connection_url(), "testcontainers")


def _from_local_stack(cleanup: ExitStack) -> Servers:
    import devstack

    endpoints = devstack.up()
    if endpoints.started:
        # Only what this session started: a stack a developer left running stays running.
        cleanup.callback(devstack.down, None, endpoints.started)
    return Servers(endpoints.kafka_bootstrap_servers, endpoints.mongodb_uri, "local stack")


def _say(config: pytest.Config, line: str) -> None:
    """Print now, past output capturing, so that a slow first start is explained as it happens."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        reporter.write_line(line)


async def _delete_topics(settings: ServiceSettings) -> None:
    """Delete the module's topics, so a long-lived local broker does not pile up partitions."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(settings.topic_prefix)]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()
