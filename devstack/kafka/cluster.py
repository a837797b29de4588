"""Several Kafka nodes as one cluster on loopback: each a broker and a KRaft controller.

The nodes are the single broker's component (``devstack.kafka.broker.Kafka``) with a node id and
the cluster's size; ``devstack.stack.Stack`` starts, waits for, and stops them as any server.
Topics get up to three replicas and need two in sync (acks=all), so one node may die without an
acknowledged record being lost. Run it beside the default stack, on ports of its own:

    python -m devstack.kafka.cluster up --brokers 3     # prints KAFKA_BOOTSTRAP_SERVERS=...
    python -m devstack.kafka.cluster status
    python -m devstack.kafka.cluster down
"""

import argparse
import logging
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from devstack.__main__ import EXIT_NOT_RUNNING
from devstack.component import Component
from devstack.config import StackConfig
from devstack.errors import StackError
from devstack.kafka.broker import Kafka, cluster_id, node_ports
from devstack.stack import DEFAULT_TIMEOUT_S, Endpoints, Stack

DEFAULT_BROKERS = 3
# Node n listens on BASE + 100 * (n - 1) for clients and one above for its controller: 19192,
# 19292, 19392 by default, clear of the default stack (19092, 27018, 2525, 8001-8004, 8025), of
# deploy/local-docker (3xxxx) and of the tests' ports (the kernel's, 32768 and up).
DEFAULT_BASE_PORT = 19192
# Three JVMs share two cores with the rest of the stack: a smaller heap than a lone broker's.
NODE_HEAP = "-Xmx256m"

T = TypeVar("T")


def nodes(size: int) -> tuple[type[Kafka], ...]:
    """The component of each node of a ``size``-node cluster."""
    if size < 1:
        raise StackError(f"a Kafka cluster needs at least one node, not {size}")
    return tuple(_node(node_id, size) for node_id in range(1, size + 1))


def _node(number: int, size: int) -> type[Kafka]:
    class Node(Kafka):
        name = f"kafka-{number}"
        title = f"Kafka node {number}"
        port_settings = node_ports(number, size)
        node_id = number
        cluster_size = size
        heap = NODE_HEAP

    return Node


class Cluster(Stack):
    """The nodes of one cluster, their storage formatted side by side (a JVM each) and stopped
    all at once: one by one, the last node waits out its whole stop timeout for a controller
    quorum that left with the others (40 s against about 10 s)."""

    def up(self, *, reset: bool = False, timeout_s: float = DEFAULT_TIMEOUT_S) -> Endpoints:
        if not reset:  # a reset wipes the storage first; Stack.up formats it again, in turn
            with self._locked():
                self._install()
                cluster_id(self.config)  # made once, before the nodes ask for it together
                stopped = [node for node in self.components if node.process.pid() is None]
                self._side_by_side(lambda node: node.prepare(), stopped)
        return super().up(reset=reset, timeout_s=timeout_s)

    def _stop(self, components: Collection[Component]) -> list[str]:
        chosen = [node for node in self.components if node in components]
        stopped = self._side_by_side(lambda node: node.process.stop(), chosen)
        return [node.name for node, was_running in zip(chosen, stopped, strict=True) if was_running]

    @staticmethod
    def _side_by_side(action: Callable[[Component], T], chosen: Sequence[Component]) -> list[T]:
        with ThreadPoolExecutor(max_workers=max(len(chosen), 1)) as pool:
            return list(pool.map(action, chosen))


def ports(size: int, base: int = DEFAULT_BASE_PORT) -> dict[str, int]:
    """Ports of every node, for ``StackConfig.ports``."""
    return {
        setting: base + 100 * (node_id - 1) + listener
        for node_id in range(1, size + 1)
        for listener, setting in enumerate(node_ports(node_id, size))
    }


def cluster(
    data_dir: Path, chosen_ports: Mapping[str, int], size: int = DEFAULT_BROKERS
) -> Cluster:
    """The nodes of one cluster kept in ``data_dir``; ``chosen_ports`` as made by ``ports``."""
    config = StackConfig.from_env(data_dir=data_dir, ports=chosen_ports)
    # The default stack's stack.env is not the cluster's to write.
    return Cluster(config, nodes(size), records_environment=False)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="devstack: %(message)s", stream=sys.stderr)
    data_dir = args.data or StackConfig.from_env().data_dir / "kafka-cluster"
    stack = cluster(data_dir, ports(args.brokers, args.base_port), args.brokers)
    try:
        if args.command == "up":
            endpoints = stack.up(timeout_s=args.timeout)
            print(f"KAFKA_BOOTSTRAP_SERVERS={endpoints.kafka_bootstrap_servers}")
        elif args.command == "down":
            stopped = stack.down()
            print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")
        else:
            found = stack.status()
            for entry in found:
                state = "answering" if entry.answering else "NOT answering"
                print(f"{entry.name:<8} {f'pid {entry.pid}, {state}' if entry.pid else 'stopped'}")
            return 0 if all(entry.answering for entry in found) else EXIT_NOT_RUNNING
    except StackError as error:
        print(f"devstack: error: {error}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.kafka.cluster",
        description="A Kafka cluster of KRaft nodes (broker + controller each) on loopback.",
    )
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--brokers", type=int, default=DEFAULT_BROKERS, help="nodes (default 3)")
    parser.add_argument(
        "--base-port",
        type=int,
        default=DEFAULT_BASE_PORT,
        help="node n listens on BASE + 100 (n - 1), its controller one above (default 19192)",
    )
    parser.add_argument(
        "--data", type=Path, help="run-time data and logs (default: the stack's, kafka-cluster/)"
    )
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds to wait")
    return parser


if __name__ == "__main__":
    sys.exit(main())
