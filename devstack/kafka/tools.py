"""Kafka's command-line tools for the local stack, from the same Maven release as its broker.

``devstack/bin/kafka-console-consumer`` (and the other ``devstack/bin/kafka-*``) run
``python -m devstack.kafka.tools <tool> [arguments]``: the tools are copied from Maven into the
cache on first use (a folder of their own, so a running broker's jars are never touched), and
``--bootstrap-server`` defaults to the local broker.
"""

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from devstack.config import StackConfig
from devstack.errors import StackError
from devstack.install import Stamp, require_tool
from devstack.kafka.maven import fetch_jars

HERE = Path(__file__).resolve().parent
TOOLS_POM = HERE / "tools-pom.xml"
TOOLS_LOG4J = HERE / "tools-log4j2.properties"
TOOLS_JAR = "kafka-tools-4.4.0.jar"
# The scripts of Kafka's bin/ folder and the classes they run.
TOOLS = {
    "kafka-console-consumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
    "kafka-console-producer": "org.apache.kafka.tools.ConsoleProducer",
    "kafka-topics": "org.apache.kafka.tools.TopicCommand",
    "kafka-consumer-groups": "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
    "kafka-get-offsets": "org.apache.kafka.tools.GetOffsetShell",
    "kafka-acls": "org.apache.kafka.tools.AclCommand",
    "kafka-configs": "org.apache.kafka.tools.ConfigCommand",
}
# A tool starts, reads or writes a little and ends: a small heap and the quick JIT only.
JVM_OPTIONS = ("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def tools_lib(config: StackConfig) -> Path:
    return config.cache_dir / "kafka" / "tools-lib"


def _stamp(config: StackConfig) -> Stamp:
    return Stamp(tools_lib(config).with_name("tools-lib.sha256"), [TOOLS_POM])


def install_tools(config: StackConfig) -> None:
    """Copy the tools' jars from Maven into the cache, unless they are there and current."""
    lib = tools_lib(config)
    if (lib / TOOLS_JAR).is_file() and _stamp(config).is_current():
        return
    artefact = "org.apache.kafka:kafka-tools:4.4.0"
    fetch_jars(config, TOOLS_POM, lib, title="Kafka's tools", artefact=artefact)
    _stamp(config).record()


def tool_command(config: StackConfig, tool: str, arguments: Sequence[str]) -> list[str]:
    """The argv that runs ``tool`` (a name of ``TOOLS``) with ``arguments``."""
    main_class = TOOLS.get(tool)
    if main_class is None:
        raise StackError(f"unknown tool {tool!r}; known: {', '.join(sorted(TOOLS))}")
    chosen = list(arguments)
    if not any(a.startswith(("--bootstrap-server", "--bootstrap-controller")) for a in chosen):
        chosen = ["--bootstrap-server", _local_broker(config), *chosen]
    return [
        require_tool("java"),
        *JVM_OPTIONS,
        f"-Dlog4j2.configurationFile={TOOLS_LOG4J}",
        "-cp",
        f"{tools_lib(config)}/*",
        main_class,
        *chosen,
    ]


def _local_broker(config: StackConfig) -> str:
    """The broker the running stack recorded, else where the configuration puts it."""
    try:
        lines = config.env_file.read_text().splitlines()
    except FileNotFoundError:
        lines = []
    for line in lines:
        name, _, value = line.partition("=")
        if name == "KAFKA_BOOTSTRAP_SERVERS" and value:
            return value.strip("'\"")
    return f"{config.host}:{config.port('KAFKA_PORT')}"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        print(f"usage: python -m devstack.kafka.tools {{{','.join(TOOLS)}}} [arguments]")
        return 2
    config = StackConfig.from_env()
    try:
        command = tool_command(config, arguments[0], arguments[1:])
        install_tools(config)
    except StackError as exc:
        print(f"devstack: {exc}", file=sys.stderr)
        return 1
    # Replaced by the JVM: signals (Ctrl-C) and the exit status are the tool's own.
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
