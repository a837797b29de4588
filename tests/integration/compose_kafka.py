"""The Kafka of docker-compose.yml, run from the local stack's jars of the same release.

The broker's settings are the compose file's KAFKA_* variables turned into server.properties the
way the apache/kafka image does it (strip KAFKA_, lower-case; ``___`` is "-", ``__`` is "_", ``_``
is "."), with addresses moved to free loopback ports and /run/secrets to a folder of the test's;
its storage is formatted, and its ACLs granted, by the very scripts compose runs (deploy/kafka/).
"""

import os
import re
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from devstack.config import StackConfig
from devstack.kafka.broker import JVM_OPTIONS, LOG4J_CONFIG, Kafka
from devstack.kafka.tools import TOOLS, install_tools, tools_lib
from devstack.network import port_taken
from tests.integration.secured_stack import free_port

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
USERS = ("broker", "admin", "intake", "workflow", "notify", "reporting", "subscriber")
CLUSTER_ID = "b25lc3RvcC1rYWZrYS0xAA"
START_TIMEOUT_S = 120.0
ACL_COMMAND = TOOLS["kafka-acls"]


@dataclass(frozen=True)
class ComposeKafka:
    internal: str  # host:port of the SASL_PLAINTEXT listener (the services')
    external: str  # localhost:port of the SASL_SSL listener (external subscribers')
    ca_file: Path
    passwords: Mapping[str, str]


def property_name(variable: str) -> str:
    name = variable.removeprefix("KAFKA_").lower()
    marked = name.replace("___", "\0").replace("__", "\1").replace("_", ".")
    return marked.replace("\0", "-").replace("\1", "_")


def interpolate(value: Any) -> str:
    """Compose's ``${NAME:-default}`` (unset here) and ``$$``."""
    text = re.sub(r"(?<!\$)\$\{\w+:-([^}]*)\}", r"\1", str(value))
    return text.replace("$$", "$")


def server_properties(ports: Mapping[str, int], secrets_dir: Path, data: Path) -> str:
    moves = {
        "INTERNAL://:29092": f"INTERNAL://127.0.0.1:{ports['internal']}",
        "EXTERNAL://:9092": f"EXTERNAL://127.0.0.1:{ports['external']}",
        "kafka:29092": f"127.0.0.1:{ports['internal']}",
        "localhost:9092": f"localhost:{ports['external']}",
        "localhost:9093": f"127.0.0.1:{ports['controller']}",
        "/run/secrets": str(secrets_dir),
        "/var/lib/kafka/data": str(data),
    }
    lines = []
    for variable, value in COMPOSE["services"]["kafka"]["environment"].items():
        if not variable.startswith("KAFKA_"):
            continue
        text = interpolate(value)
        for old, new in moves.items():
            text = text.replace(old, new)
        lines.append(f"{property_name(variable)}={text}")
    return "\n".join(lines) + "\n"


def tls_keystore(folder: Path) -> Path:
    """A self-signed certificate for localhost and 127.0.0.1, written as Kafka's PEM keystore
    (PKCS#8 key, then the certificate) and as the clients' CA file, which is returned."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (folder / "kafka_tls_keystore.pem").write_bytes(private + pem)
    (folder / "ca.pem").write_bytes(pem)
    return folder / "ca.pem"


def shims(folder: Path, broker_lib: Path, tools_lib: Path) -> Path:
    """The image's /opt/kafka/bin scripts the deploy scripts call, on the local stack's jars."""
    folder.mkdir()
    # The log4j configuration writes under kafka.logs.dir: unset, it makes a literal
    # "${sys:kafka.logs.dir}" folder wherever the tool runs.
    java = f"java -Xmx256m -Dlog4j2.configurationFile={LOG4J_CONFIG} -Dkafka.logs.dir={folder}/logs"
    scripts = {
        "kafka-storage.sh": f"exec {java} -cp '{broker_lib}/*' kafka.tools.StorageTool \"$@\"",
        # The JVM directly: devstack/bin/kafka-acls would add a Python start to each of the calls.
        "kafka-acls.sh": f"exec {java} -XX:TieredStopAtLevel=1 -cp '{tools_lib}/*' {ACL_COMMAND}"
        ' "$@"',
    }
    for name, body in scripts.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    return folder


def run_script(script: str, environment: Mapping[str, str]) -> None:
    done = subprocess.run(
        ["bash", str(ROOT / "deploy" / "kafka" / script)],
        env=os.environ | dict(environment),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{script}: {done.stdout}\n{done.stderr}"


@contextmanager
def compose_kafka(folder: Path, topic_prefix: str) -> Iterator[ComposeKafka]:
    """The broker formatted with the compose users, started, its ACLs granted; stopped after."""
    ports = {"internal": free_port(), "external": free_port(), "controller": free_port()}
    secrets_dir, data, logs = folder / "secrets", folder / "data", folder / "logs"
    for made in (secrets_dir, logs):
        made.mkdir()
    passwords = {user: secrets.token_hex(16) for user in USERS}
    for user, password in passwords.items():
        (secrets_dir / f"kafka_{user}_password").write_text(password)
    ca_file = tls_keystore(secrets_dir)
    properties = folder / "server.properties"
    properties.write_text(server_properties(ports, secrets_dir, data))
    config = StackConfig.from_env()
    broker_lib = Kafka(config).lib_dir
    install_tools(config)
    tools = {
        "KAFKA_BIN": str(shims(folder / "bin", broker_lib, tools_lib(config))),
        "SECRETS_DIR": str(secrets_dir),
    }
    run_script(
        "format-storage.sh",
        tools
        | {
            "DATA_DIR": str(data),
            "CONTROLLER": f"127.0.0.1:{ports['controller']}",
            "CLUSTER_ID": CLUSTER_ID,
        },
    )
    log = (logs / "console.log").open("wb")
    broker = subprocess.Popen(
        [
            "java",
            *JVM_OPTIONS,
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            f"-Dkafka.logs.dir={logs}",
            "-cp",
            f"{broker_lib}/*",
            "kafka.Kafka",
            str(properties),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        internal = f"127.0.0.1:{ports['internal']}"
        wait_for_port(ports["internal"], broker, logs / "kafka.log")
        run_script(
            "acls.sh", tools | {"KAFKA_BOOTSTRAP_SERVERS": internal, "TOPIC_PREFIX": topic_prefix}
        )
        yield ComposeKafka(internal, f"localhost:{ports['external']}", ca_file, passwords)
    finally:
        broker.send_signal(signal.SIGTERM)
        try:
            broker.wait(30)
        except subprocess.TimeoutExpired:
            broker.kill()
            broker.wait()
        log.close()


def wait_for_port(port: int, broker: "subprocess.Popen[bytes]", log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not port_taken("127.0.0.1", port):
        if broker.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text()[-3000:] if log.is_file() else "(no log)"
            raise AssertionError(f"the compose broker did not start:\n{tail}")
        time.sleep(0.2)
