"""The Kafka broker: jars via Maven into the cache, storage formatted once, KRaft combined mode."""

import functools
import json
import re
import shutil
import subprocess
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from devstack.component import Component
from devstack.errors import StackError
from devstack.install import Stamp, require_tool, run_tool
from devstack.network import accepts_connections

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
        wanted = {"controller_port": self.config.port("KAFKA_CONTROLLER_PORT")}
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
            bootstrap_servers=self.bootstrap_servers,
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
        return {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers}

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
            [*tool, "format", "-t", uuid, "-c", str(properties), "--standalone"],
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


def _check_formatted_for(record: Path, wanted: dict[str, int]) -> None:
    """Refuse a controller port other than the one the storage was formatted with.

    The voter set written at format time names the controller's address, so a changed
    KAFKA_CONTROLLER_PORT needs fresh storage.
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
