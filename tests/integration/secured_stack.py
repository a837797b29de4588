"""A Kafka broker with a SASL SCRAM listener and a store with --auth, apart from the shared stack.

Started by the project's own devstack code (the same cached jars and venv), in a folder of the
test's own and on free ports, so the shared open stack that other tests use is left as it is.
"""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devstack.component import Component
from devstack.config import StackConfig
from devstack.stack import Stack

START_TIMEOUT_S = 180.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def secured_stack(data_dir: Path, components: tuple[type[Component], ...]) -> Iterator[Stack]:
    """``components`` running with authentication on; stopped (all of them) when the block ends."""
    config = StackConfig.from_env(
        data_dir=data_dir,
        ports={
            "KAFKA_PORT": free_port(),
            "KAFKA_CONTROLLER_PORT": free_port(),
            "MONGODB_PORT": free_port(),
        },
        kafka_sasl=True,
        store_auth=True,
    )
    # records_environment=False: the stack.env of the shared stack is not ours to write.
    stack = Stack(config, components, records_environment=False)
    try:
        stack.up(timeout_s=START_TIMEOUT_S)
        yield stack
    finally:
        stack.down()
