"""What every managed process of the stack provides, so the stack can treat them alike.

The servers (Kafka, SecantusDB, the notify sinks) and the four services are all components.
"""

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from devstack.config import StackConfig
from devstack.processes import ManagedProcess


class Component(ABC):
    """One server process: how to install it, start it and tell that it answers."""

    name: ClassVar[str]  # file names and CLI output
    title: ClassVar[str]  # human-readable, for messages
    port_settings: ClassVar[tuple[str, ...]]  # the StackConfig ports it listens on

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.home = config.data_dir / self.name
        self.process = ManagedProcess(self.name, config.data_dir, self.console_log)

    @property
    def console_log(self) -> Path:
        """Where the process's standard output and error go."""
        return self.config.logs_dir / f"{self.name}.log"

    @property
    def main_log(self) -> Path:
        """The log to read when it misbehaves."""
        return self.console_log

    def logs(self) -> tuple[Path, ...]:
        """Its log files, the most telling first."""
        return tuple(dict.fromkeys((self.main_log, self.console_log)))

    @abstractmethod
    def is_installed(self) -> bool:
        """Whether everything it needs is in the cache and current (no download, no build)."""

    @abstractmethod
    def install(self) -> None:
        """Download or build into the cache. Only called when ``is_installed()`` is false."""

    def prepare(self) -> None:
        """One-time set-up of its data folder (e.g. formatting storage); idempotent."""
        self.home.mkdir(parents=True, exist_ok=True)

    @abstractmethod
    def command(self) -> list[str]:
        """The argv that runs it in the foreground."""

    def process_environment(self) -> dict[str, str]:
        """Environment variables its process needs beyond the caller's."""
        return {}

    @abstractmethod
    async def probe(self) -> None:
        """Make one real client request; raise if it does not answer."""

    @abstractmethod
    def environment(self) -> dict[str, str]:
        """The settings that point a client at it (written to stack.env)."""
