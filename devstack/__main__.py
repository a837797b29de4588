"""Command line: ``python -m devstack {install,up,down,status,reset}``."""

import argparse
import logging
import sys
import time
from pathlib import Path

from devstack.config import PORT_DEFAULTS, StackConfig
from devstack.errors import StackError
from devstack.services import SERVICES
from devstack.stack import DEFAULT_TIMEOUT_S, Endpoints, Stack

EXIT_NOT_RUNNING = 3


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="devstack: %(message)s", stream=sys.stderr)
    try:
        config = _config(args)
        stack = Stack(config)
        services = Stack(config, SERVICES, records_environment=False)
        return _COMMANDS[args.command](stack, services, args)
    except StackError as error:
        print(f"devstack: error: {error}", file=sys.stderr)
        return 1


def _install(stack: Stack, services: Stack, args: argparse.Namespace) -> int:
    stack.install()
    print(f"installed in {stack.config.cache_dir}")
    return 0


def _up(stack: Stack, services: Stack, args: argparse.Namespace) -> int:
    began = time.monotonic()
    if args.reset:
        services.down()
    _report_started(stack, stack.up(reset=args.reset, timeout_s=args.timeout))
    if args.services:
        _report_started(services, services.up(timeout_s=args.timeout))
    print(f"ready in {time.monotonic() - began:.1f} s; settings in {stack.config.env_file}")
    return 0


def _report_started(stack: Stack, endpoints: Endpoints) -> None:
    for component in stack.components:
        verb = "started" if component.name in endpoints.started else "already running"
        print(f"{component.title:<9} {verb:<16} {_listening(component.environment())}")


def _down(stack: Stack, services: Stack, args: argparse.Namespace) -> int:
    stopped = services.down() + stack.down()
    print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")
    return 0


def _status(stack: Stack, services: Stack, args: argparse.Namespace) -> int:
    found = stack.status() + [s for s in services.status() if s.pid]
    for entry in found:
        state = f"pid {entry.pid}, " if entry.pid else "stopped"
        if entry.pid:
            state += "answering" if entry.answering else "NOT answering"
        print(f"{entry.name:<9} {state:<24} {_listening(entry.environment)}")
    return 0 if all(entry.answering for entry in found) else EXIT_NOT_RUNNING


def _reset(stack: Stack, services: Stack, args: argparse.Namespace) -> int:
    services.down()
    _stop_kafka_cluster(stack.config.data_dir / "kafka-cluster")
    stack.reset()
    print(f"data deleted in {stack.config.data_dir} (cache kept)")
    return 0


def _stop_kafka_cluster(data_dir: Path) -> None:
    """A cluster started beside the stack (``devstack.kafka.cluster``) keeps its data inside the
    stack's: its nodes are stopped before that goes, not left running on deleted files."""
    size = len([node for node in data_dir.glob("kafka-*") if node.is_dir()])
    if size:
        from devstack.kafka.cluster import cluster, ports  # it imports this module

        cluster(data_dir, ports(size), size).down()


_COMMANDS = {
    "install": _install,
    "up": _up,
    "down": _down,
    "status": _status,
    "reset": _reset,
}


def _listening(environment: dict[str, str]) -> str:
    return " ".join(f"{key}={value}" for key, value in environment.items())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devstack",
        description="Real Kafka, SecantusDB, notify sinks and the services on loopback, no Docker.",
    )
    parser.add_argument("--cache", type=Path, help="downloads and builds (env DEVSTACK_CACHE)")
    parser.add_argument("--data", type=Path, help="run-time data and logs (env DEVSTACK_DATA)")
    for setting, default in PORT_DEFAULTS.items():
        flag = "--" + setting.lower().replace("_", "-")
        parser.add_argument(flag, type=int, help=f"env {setting}, default {default}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="download Kafka and SecantusDB into the cache")
    up = commands.add_parser("up", help="start everything (installing first if needed) and wait")
    up.add_argument("--reset", action="store_true", help="delete the data first")
    up.add_argument("--services", action="store_true", help="also run the four services")
    up.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds to wait")
    commands.add_parser("down", help="stop everything")
    commands.add_parser("status", help="show what runs and answers (exit code 3 if not all)")
    commands.add_parser("reset", help="stop everything and delete the data (not the cache)")
    return parser


def _config(args: argparse.Namespace) -> StackConfig:
    ports = {
        setting: port
        for setting in PORT_DEFAULTS
        if (port := getattr(args, setting.lower())) is not None
    }
    return StackConfig.from_env(cache_dir=args.cache, data_dir=args.data, ports=ports)


if __name__ == "__main__":
    sys.exit(main())
