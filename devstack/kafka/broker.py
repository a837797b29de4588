"""The Kafka broker: jars via Maven into the cache, storage formatted once, KRaft combined mode."""

import functools
import json
import re
import shutil
import subprocess
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from devstack.component import Component
from devstack.credentials import credentials
from devstack.errors import StackError
from devstack.install import Stamp, require_tool, run_tool
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
JVM_OPTIONS = (
    "-Xmx512m",
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)
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


class Kafka(Component):
    name = "kafka"
    title = "Kafka"
    port_settings = ("KAFKA_PORT", "KAFKA_CONTROLLER_PORT")

    @property
    def lib_dir(self) -> Path:
        return self.config.cache_dir / "kafka" / "lib"

    @property
    def console_log(self) -> Path:
        return self.config.logs_dir / "kafka-console.log"

    @property
    def main_log(self) -> Path:
        # Named by log4j2.properties.
        return self.config.logs_dir / "kafka.log"

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.config.host}:{self.config.port('KAFKA_PORT')}"

    def _stamp(self) -> Stamp:
        return Stamp(self.lib_dir.parent / "lib.sha256", [POM])

    def is_installed(self) -> bool:
        return (self.lib_dir / KAFKA_JAR).is_file() and self._stamp().is_current()

    def install(self) -> None:
        mvn = require_tool("mvn")
        self.lib_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = self.lib_dir.with_name("lib.partial")
        shutil.rmtree(staging, ignore_errors=True)
        run_tool(
            [
                mvn,
                "-q",
                "-B",
                f"-Dmaven.repo.local={self.config.cache_dir / 'm2'}",
                "-f",
                str(POM),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={staging}",
            ],
            what="Downloading Kafka with Maven",
            cwd=self.lib_dir.parent,
        )
        shutil.rmtree(self.lib_dir, ignore_errors=True)
        staging.rename(self.lib_dir)
        self._stamp().record()

    def prepare(self) -> None:
        super().prepare()
        java = _require_java()
        properties = self.home / "server.properties"
        properties.write_text(self._server_properties())
        formatted = self.home / "formatted.json"
        wanted: dict[str, object] = {"controller_port": self.config.port("KAFKA_CONTROLLER_PORT")}
        if self.config.kafka_sasl:  # only then: storage formatted before this option stays valid
            wanted["sasl"] = SASL_MECHANISM
        if (self._storage_dir() / "meta.properties").is_file():
            _check_formatted_for(formatted, wanted)
            return
        self._format_storage(java, properties)
        formatted.write_text(json.dumps(wanted))

    def command(self) -> list[str]:
        return [
            _require_java(),
            *JVM_OPTIONS,
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            f"-Dkafka.logs.dir={self.config.logs_dir}",
            "-cp",
            f"{self.lib_dir}/*",
            "kafka.Kafka",
            str(self.home / "server.properties"),
        ]

    async def probe(self) -> None:
        host, port = self.config.host, self.config.port("KAFKA_PORT")
        # A refused connection is expected while the JVM starts; checking it first keeps the
        # client from logging an error for every attempt.
        if not await accepts_connections(host, port):
            raise ConnectionError(f"nothing accepts connections on {host}:{port} yet")
        admin = AIOKafkaAdminClient(
            **client_options(self.client_settings()),
            client_id="devstack-probe",
            request_timeout_ms=5000,
        )
        try:
            await admin.start()
            cluster = await admin.describe_cluster()
        finally:
            await admin.close()
        if not cluster["brokers"]:
            raise ConnectionError("the metadata response names no broker yet")

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

    def _server_properties(self) -> str:
        host = self.config.host
        broker = f"{host}:{self.config.port('KAFKA_PORT')}"
        controller = f"{host}:{self.config.port('KAFKA_CONTROLLER_PORT')}"
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": controller,
            "listeners": f"PLAINTEXT://{broker},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{broker},CONTROLLER://{controller}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            **(self._sasl_properties(broker, controller) if self.config.kafka_sasl else {}),
            "log.dirs": str(self._storage_dir()),
            "num.partitions": "3",
            "auto.create.topics.enable": "true",
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
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

    def _format_storage(self, java: str, properties: Path) -> None:
        tool = [java, "-Xmx256m", f"-Dlog4j2.configurationFile={LOG4J_CONFIG}"]
        tool += [f"-Dkafka.logs.dir={self.config.logs_dir}", "-cp", f"{self.lib_dir}/*"]
        tool += ["kafka.tools.StorageTool"]
        uuid = subprocess.run(
            [*tool, "random-uuid"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{22}", uuid):
            raise StackError(f"kafka.tools.StorageTool random-uuid printed {uuid!r}")
        # --standalone because the quorum is given by controller.quorum.bootstrap.servers.
        run_tool(
            [
                *tool,
                *("format", "-t", uuid, "-c", str(properties), "--standalone"),
                *self._scram_users(),
            ],
            what="Formatting Kafka storage",
            cwd=self.home,
        )


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
