"""The local development stack: real Kafka, SecantusDB and more servers on loopback, no Docker.

Run ``python -m devstack {install,up,down,status,reset}`` from the repository root, or call the
functions below (the test fixtures do). Configuration comes from the environment: DEVSTACK_CACHE,
DEVSTACK_DATA and the ports of devstack.config.PORT_DEFAULTS (KAFKA_PORT, MONGODB_PORT, ...).
"""

from collections.abc import Collection

from devstack.config import StackConfig
from devstack.errors import StackError
from devstack.stack import DEFAULT_TIMEOUT_S, ComponentStatus, Endpoints, Stack

__all__ = [
    "ComponentStatus",
    "Endpoints",
    "StackConfig",
    "StackError",
    "down",
    "install",
    "reset",
    "status",
    "up",
]


def _stack(config: StackConfig | None) -> Stack:
    return Stack(config or StackConfig.from_env())


def install(config: StackConfig | None = None) -> None:
    """Download Kafka and install SecantusDB into the cache, unless already there."""
    _stack(config).install()


def up(
    config: StackConfig | None = None,
    *,
    reset: bool = False,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Endpoints:
    """Install if needed, start what is not running, and return once every server answers."""
    return _stack(config).up(reset=reset, timeout_s=timeout_s)


def down(config: StackConfig | None = None, names: Collection[str] | None = None) -> list[str]:
    """Stop the named components (default: all); return the names of those that were running."""
    return _stack(config).down(names)


def status(config: StackConfig | None = None) -> list[ComponentStatus]:
    return _stack(config).status()


def reset(config: StackConfig | None = None) -> None:
    """Stop everything and delete the run-time data (not the cache)."""
    _stack(config).reset()
