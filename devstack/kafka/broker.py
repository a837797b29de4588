"""The Kafka broker: jars via Maven into the cache, storage formatted once, KRaft combined mode.

One node by default; ``devstack.kafka.cluster`` runs several of these nodes as one cluster (each a
broker and a controller), with topics replicated on up to three of them.
"""

import base64
import functools
import json
import re
import subprocess
import uuid
from pathlib import Path
from typing import ClassVar

from aiokafka.admin import AIOKafkaAdminClient

from devstack.component import Component
from devstack.config import StackConfig
from devstack.credentials import credentials
from devstack.errors import StackError
from devstack.install import Stamp, require_tool, run_tool
from devstack.kafka.maven import fetch_jars
from devstack.network import accepts_connections
from shared.kafka.connection import client_options
from shared.settings import ServiceSettings

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LOG4J_CONFIG = HERE / "log4j2.properties"
KAFKA_JAR = "kafka_2.13-4.4.0.jar"
MIN_JAVA = 17
# Sized for a 2-core CI box that also runs the store, four services and pytest. The quick JIT
# only (C1) spends about 40% less CPU on start-up than C1 + C2; a test broker's load is light.
HEAP = "-Xmx512m"
JVM_FLAGS = (
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)
JVM_OPTIONS = (HEAP, *JVM_FLAGS)
# With DEVSTACK_KAFKA_SASL: the mechanism production uses, the broker's own user (it talks to
# itself over the client listener) and the user the services and tests connect as.
SASL_MECHANISM = "SCRAM-SHA-512"
_SECURITY_SETTINGS = (
    "kafka_sasl_username",
    "kafka_sasl_password",
    "kafka_ssl_cafile",
    "kafka_ssl_certfile",
    "kafka_ssl_keyfile",
    "kafka_ssl_key_password",
)
BROKER_USER = "broker"
CLIENT_USER = "onestop"
# Replicas of a topic and how many must have a write before it is acknowledged (acks=all): with
# three, one node may die without losing an acknowledged record or refusing writes.
MAX_REPLICATION_FACTOR = 3


def node_ports(node_id: int, cluster_size: int) -> tuple[str, str]:
    """The StackConfig ports of one node: its client listener's and its controller's."""
    if cluster_size == 1:
        return ("KAFKA_PORT", "KAFKA_CONTROLLER_PORT")
    return (f"KAFKA_{node_id}_PORT", f"KAFKA_{node_id}_CONTROLLER_PORT")


class Kafka(Component):
    name = "kafka"
    title = "Kafka"
    port_settings = node_ports(1, 1)
    node_id: ClassVar[int] = 1
    cluster_size: ClassVar[int] = 1
    heap: ClassVar[str] = HEAP

    @property
    def lib_dir(self) -> Path:
        return self.config.cache_dir / "kafka" / "lib"

    @property
    def console_log(self) -> Path:
        return self.config.logs_dir / f"{self.name}-console.log"

    @property
    def main_log(self) -> Path:
        # Named by log4j2.properties, from the -D options of _log_options.
        return self.config.logs_dir / f"{self.name}.log"

    @property
    def bootstrap_servers(self) -> str:
        """Every broker of the cluster, so that a client finds it with any one of them down."""
        return ",".join(self._address(node, 0) for node in self._members())

    def _stamp(self) -> Stamp:
        return Stamp(self.lib_dir.parent / "lib.sha256", [POM])

    def is_installed(self) -> bool:
        return (self.lib_dir / KAFKA_JAR).is_file() and self._stamp().is_current()

    def install(self) -> None:
        artefact = "org.apache.kafka:kafka_2.13:4.4.0"
        fetch_jars(self.config, POM, self.lib_dir, title="Kafka", artefact=artefact)
        self._stamp().record()

    def prepare(self) -> None:
        super().prepare()
        java = _require_java()
        properties = self.home / "server.properties"
        properties.write_text(self._server_properties())
        formatted = self.home / "formatted.json"
        wanted: dict[str, object] = {"controller_port": self.config.port(self.port_settings[1])}
        # Only when set: storage formatted before these options existed stays valid.
        if self.config.kafka_sasl:
            wanted["sasl"] = SASL_MECHANISM
        if self.cluster_size > 1:
            wanted["voters"] = self._voters()
        if (self._storage_dir() / "meta.properties").is_file():
            _check_formatted_for(formatted, wanted)
            return
        self._format_storage(java, properties)
        formatted.write_text(json.dumps(wanted))

    def command(self) -> list[str]:
        return [
            _require_java(),
            self.heap,
            *JVM_FLAGS,
            *self._log_options(),
            "-cp",
            f"{self.lib_dir}/*",
            "kafka.Kafka",
            str(self.home / "server.properties"),
        ]

    async def probe(self) -> None:
        host, port = self.config.host, self.config.port(self.port_settings[0])
        # A refused connection is expected while the JVM starts; checking it first keeps the
        # client from logging an error for every attempt.
        if not await accepts_connections(host, port):
            raise ConnectionError(f"nothing accepts connections on {host}:{port} yet")
        own = self.client_settings().model_copy(
            update={"kafka_bootstrap_servers": self._address(self.node_id, 0)}
        )
        admin = AIOKafkaAdminClient(
            **client_options(own),
            client_id="devstack-probe",
            request_timeout_ms=5000,
        )
        try:
            await admin.start()
            cluster = await admin.describe_cluster()
        finally:
            await admin.close()
        if self.node_id not in {broker["node_id"] for broker in cluster["brokers"]}:
            raise ConnectionError(f"broker {self.node_id} is not registered with the cluster yet")

    def environment(self) -> dict[str, str]:
        found = {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers}
        if self.config.kafka_sasl:
            found |= {
                "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM": SASL_MECHANISM,
                "KAFKA_SASL_USERNAME": CLIENT_USER,
                "KAFKA_SASL_PASSWORD": self.passwords()[CLIENT_USER],
            }
        return found

    def client_settings(self) -> ServiceSettings:
        """Settings of a client of this broker, credentials included when it asks for them."""
        # Every security setting given, so the caller's shell (say, another stack's stack.env)
        # cannot change how the probe connects.
        unset = {name: None for name in _SECURITY_SETTINGS}
        given = {key.lower(): value for key, value in self.environment().items()}
        return ServiceSettings.model_validate(
            {**unset, "kafka_security_protocol": "PLAINTEXT", **given}
        )

    def passwords(self) -> dict[str, str]:
        """The SCRAM users of a SASL broker (generated once per data folder)."""
        return credentials(self.home / "credentials.json", (BROKER_USER, CLIENT_USER))

    def _storage_dir(self) -> Path:
        return self.home / "storage"

    def _members(self) -> range:
        return range(1, self.cluster_size + 1)

    def _address(self, node_id: int, listener: int) -> str:
        """``host:port`` of a node's client (0) or controller (1) listener."""
        port = self.config.port(node_ports(node_id, self.cluster_size)[listener])
        return f"{self.config.host}:{port}"

    def _voters(self) -> str:
        return ",".join(f"{node}@{self._address(node, 1)}" for node in self._members())

    def _quorum(self) -> dict[str, str]:
        """A lone node bootstraps its own quorum (format --standalone); a cluster names its
        voters statically, the same list on every node."""
        if self.cluster_size == 1:
            return {"controller.quorum.bootstrap.servers": self._address(self.node_id, 1)}
        return {
            "controller.quorum.voters": self._voters(),
            # A dead node is fenced, and its partitions get new leaders, after 4 s rather than
            # 9 s: on loopback there is no network hiccup to ride out.
            "broker.session.timeout.ms": "4000",
            "broker.heartbeat.interval.ms": "1000",
        }

    def _replication(self) -> dict[str, str]:
        """Topics, committed offsets and transaction state on up to three nodes, each write in
        all but one of them before it is acknowledged (one node on its own: 1 and 1)."""
        factor = min(self.cluster_size, MAX_REPLICATION_FACTOR)
        replicas, min_isr = str(factor), str(max(factor - 1, 1))
        return {
            # What shared.kafka.admin.ensure_topics creates topics with when given no factor.
            "default.replication.factor": replicas,
            "min.insync.replicas": min_isr,
            "offsets.topic.replication.factor": replicas,
            "transaction.state.log.replication.factor": replicas,
            "transaction.state.log.min.isr": min_isr,
            "share.coordinator.state.topic.replication.factor": replicas,
            "share.coordinator.state.topic.min.isr": min_isr,
        }

    def _server_properties(self) -> str:
        broker = self._address(self.node_id, 0)
        controller = self._address(self.node_id, 1)
        settings = {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            **self._quorum(),
            "listeners": f"PLAINTEXT://{broker},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{broker},CONTROLLER://{controller}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            **(self._sasl_properties(broker, controller) if self.config.kafka_sasl else {}),
            "log.dirs": str(self._storage_dir()),
            "num.partitions": "3",
            "auto.create.topics.enable": "true",
            **self._replication(),
            # Consumers in tests join at once instead of waiting 3 s for more members.
            "group.initial.rebalance.delay.ms": "0",
        }
        lines = ["# Written by devstack on every start; edit devstack/kafka/broker.py instead."]
        lines += [f"{key}={value}" for key, value in settings.items()]
        return "\n".join(lines) + "\n"

    def _sasl_properties(self, broker: str, controller: str) -> dict[str, str]:
        """The client listener takes SCRAM only (the broker itself logs in as BROKER_USER); the
        controller listener stays on loopback in plaintext, as KRaft's own channel."""
        password = self.passwords()[BROKER_USER]
        login = "org.apache.kafka.common.security.scram.ScramLoginModule required"
        return {
            "listeners": f"SASL_PLAINTEXT://{broker},CONTROLLER://{controller}",
            "advertised.listeners": f"SASL_PLAINTEXT://{broker},CONTROLLER://{controller}",
            "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "SASL_PLAINTEXT",
            "sasl.enabled.mechanisms": SASL_MECHANISM,
            "sasl.mechanism.inter.broker.protocol": SASL_MECHANISM,
            f"listener.name.sasl_plaintext.{SASL_MECHANISM.lower()}.sasl.jaas.config": (
                f'{login} username="{BROKER_USER}" password="{password}";'
            ),
        }

    def _scram_users(self) -> list[str]:
        """``format`` options that store the SCRAM users in the metadata log from the start."""
        if not self.config.kafka_sasl:
            return []
        users = self.passwords().items()
        return [
            option
            for name, password in users
            for option in ("--add-scram", f"{SASL_MECHANISM}=[name={name},password={password}]")
        ]

    def _log_options(self) -> list[str]:
        return [
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            f"-Dkafka.logs.dir={self.config.logs_dir}",
            f"-Dkafka.log.name={self.name}",
        ]

    def _format_storage(self, java: str, properties: Path) -> None:
        tool = [java, "-Xmx256m", *self._log_options(), "-cp", f"{self.lib_dir}/*"]
        tool += ["kafka.tools.StorageTool"]
        # --standalone when the quorum is given by controller.quorum.bootstrap.servers.
        standalone = ["--standalone"] if self.cluster_size == 1 else []
        run_tool(
            [
                *tool,
                *("format", "-t", cluster_id(self.config), "-c", str(properties), *standalone),
                *self._scram_users(),
            ],
            what="Formatting Kafka storage",
            cwd=self.home,
        )


def cluster_id(config: StackConfig) -> str:
    """The id of the data folder's cluster, the same for every node: made by the first asking."""
    record = config.data_dir / "kafka-cluster-id"
    if not record.is_file():
        # As StorageTool random-uuid: a random UUID, URL-safe base64 without padding, never
        # starting with "-" (it would read as an option).
        made = "-"
        while made.startswith("-"):
            made = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        record.write_text(made)
    return record.read_text()


@functools.cache
def _require_java() -> str:
    java = require_tool("java")
    shown = subprocess.run(
        [java, "-XshowSettings:properties", "-version"], capture_output=True, text=True, check=False
    )
    found = re.search(r"java\.specification\.version = (\d+)", shown.stderr)
    if found is None or int(found.group(1)) < MIN_JAVA:
        version = found.group(1) if found else "unknown"
        raise StackError(f"Kafka 4.4 needs Java {MIN_JAVA} or newer; {java} is Java {version}")
    return java


def _check_formatted_for(record: Path, wanted: dict[str, object]) -> None:
    """Refuse a controller port other than the one the storage was formatted with.

    The voter set written at format time names the controller's address, so a changed
    KAFKA_CONTROLLER_PORT needs fresh storage; so does SASL turned on later (its users are
    written at format time).
    """
    try:
        found = json.loads(record.read_text())
    except (FileNotFoundError, ValueError):
        return
    if found != wanted:
        raise StackError(
            f"Kafka storage in {record.parent} was formatted with {found}, not {wanted}; "
            "run `python -m devstack reset` to start with empty data"
        )
