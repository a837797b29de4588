"""Where the local stack keeps its files and which loopback ports it listens on.

Everything comes from the environment (or explicit overrides, e.g. CLI flags) so that the command
line, the test fixtures and CI agree without sharing state other than these variables.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from devstack.errors import StackError

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

# Environment variable -> default, for every port of the stack.
PORT_DEFAULTS = {
    "KAFKA_PORT": 19092,
    "KAFKA_CONTROLLER_PORT": 19093,
    "MONGODB_PORT": 27018,
    "SMTP_SINK_PORT": 2525,
    "SINKS_HTTP_PORT": 8025,
    "INTAKE_PORT": 8001,
    "WORKFLOW_PORT": 8002,
    "NOTIFY_PORT": 8003,
    "REPORTING_PORT": 8004,
}


@dataclass(frozen=True)
class StackConfig:
    """Folders and ports of one local stack."""

    cache_dir: Path
    data_dir: Path
    ports: Mapping[str, int]
    host: str = HOST
    # Opt-in authentication, as in production: Kafka's client listener takes SASL SCRAM-SHA-512
    # only, and the store runs with --auth. Off by default: the shared local stack stays open.
    kafka_sasl: bool = False
    store_auth: bool = False

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        cache_dir: Path | None = None,
        data_dir: Path | None = None,
        ports: Mapping[str, int] | None = None,
        kafka_sasl: bool | None = None,
        store_auth: bool | None = None,
    ) -> "StackConfig":
        """The configuration named by ``env`` (default: the process environment), then overrides."""
        env = os.environ if env is None else env
        chosen = {name: _port(env, name, default) for name, default in PORT_DEFAULTS.items()}
        chosen.update(ports or {})
        cache_dir = cache_dir or Path(env.get("DEVSTACK_CACHE", REPO_ROOT / ".cache"))
        data_dir = data_dir or Path(env.get("DEVSTACK_DATA", REPO_ROOT / ".run"))
        return cls(
            cache_dir=cache_dir.resolve(),
            data_dir=data_dir.resolve(),
            ports=chosen,
            kafka_sasl=_flag(env, "DEVSTACK_KAFKA_SASL") if kafka_sasl is None else kafka_sasl,
            store_auth=_flag(env, "DEVSTACK_STORE_AUTH") if store_auth is None else store_auth,
        )

    def port(self, setting: str) -> int:
        return self.ports[setting]

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def env_file(self) -> Path:
        """Connection settings of the running stack, as ``NAME=value`` lines."""
        return self.data_dir / "stack.env"


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise StackError(f"{name}={raw!r} is not a TCP port number (1-65535)")
    return int(raw)


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in {"", "0", "false", "no", "off"}:
        return False
    if raw in {"1", "true", "yes", "on"}:
        return True
    raise StackError(f"{name}={raw!r} is neither on (1, true, yes) nor off (0, false, no)")
