"""The whole local stack: install, start, wait until every server answers, stop, wipe."""

import asyncio
import fcntl
import logging
import shlex
import shutil
from collections.abc import Collection, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from devstack.component import Component
from devstack.config import StackConfig
from devstack.errors import StackError
from devstack.kafka import Kafka
from devstack.network import ephemeral_hint, port_taken
from devstack.processes import log_size, written_since
from devstack.sinks.component import Sinks
from devstack.store import SecantusDB

log = logging.getLogger("devstack")

SERVERS: tuple[type[Component], ...] = (Kafka, SecantusDB, Sinks)
DEFAULT_TIMEOUT_S = 120.0
_LOCK_NAME = ".lock"
_PROBE_INTERVAL_S = 0.25
_STATUS_PROBE_TIMEOUT_S = 5.0

T = TypeVar("T")


@dataclass(frozen=True)
class Endpoints:
    """Where the running stack listens, as the environment variables the services read."""

    environment: dict[str, str]
    # Components this call started (the others were already running and were reused).
    started: frozenset[str] = frozenset()

    @property
    def kafka_bootstrap_servers(self) -> str:
        return self.environment["KAFKA_BOOTSTRAP_SERVERS"]

    @property
    def mongodb_uri(self) -> str:
        return self.environment["MONGODB_URI"]


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    pid: int | None
    answering: bool
    environment: dict[str, str]


class Stack:
    """The managed servers of one StackConfig. Every public method is safe to repeat."""

    def __init__(
        self,
        config: StackConfig,
        components: tuple[type[Component], ...] = SERVERS,
        *,
        records_environment: bool = True,
    ) -> None:
        self.config = config
        self.components = [component(config) for component in components]
        # Only the servers' stack writes stack.env: the services read it, they add nothing to it.
        self.records_environment = records_environment

    def install(self) -> None:
        """Download and build whatever is missing from the cache (nothing, the second time)."""
        with self._locked():
            self._install()

    def up(self, *, reset: bool = False, timeout_s: float = DEFAULT_TIMEOUT_S) -> Endpoints:
        """Start what is not running, reuse what is, and return once every server answers."""
        with self._locked():
            if reset:
                self._stop(self.components)
                self._wipe()
            self._install()
            started = [c for c in self.components if c.process.pid() is None]
            self._check_ports_free(started)
            log_starts = {log: log_size(log) for c in self.components for log in c.logs()}
            try:
                for component in started:
                    self._start(component)
                _run(self._wait_ready(timeout_s, log_starts, started))
            except BaseException:
                # Half a stack is worse than none: the next `up` starts from a clean slate.
                self._stop(started)
                raise
            environment = self._environment()
            if self.records_environment:
                self.config.env_file.write_text(
                    "".join(f"{key}={shlex.quote(value)}\n" for key, value in environment.items())
                )
            return Endpoints(environment, frozenset(c.name for c in started))

    def down(self, names: Collection[str] | None = None) -> list[str]:
        """Stop the named components (default: all); return the names of those that were running."""
        with self._locked():
            chosen = [c for c in self.components if names is None or c.name in names]
            stopped = self._stop(chosen)
            if self.records_environment and all(c.process.pid() is None for c in self.components):
                self.config.env_file.unlink(missing_ok=True)
            return stopped

    def reset(self) -> None:
        """Stop everything and delete all run-time data (the cache stays)."""
        with self._locked():
            self._stop(self.components)
            self._wipe()

    def status(self) -> list[ComponentStatus]:
        return _run(self._status())

    def _install(self) -> None:
        missing = [c for c in self.components if not c.is_installed()]
        if not missing:
            return
        self.config.cache_dir.mkdir(parents=True, exist_ok=True)
        titles = ", ".join(c.title for c in missing)
        log.info("installing %s into %s (first run: a few minutes)", titles, self.config.cache_dir)
        # Both mostly wait on the network: side by side they overlap.
        with ThreadPoolExecutor(max_workers=len(missing)) as pool:
            for future in [pool.submit(c.install) for c in missing]:
                future.result()

    def _check_ports_free(self, components: Collection[Component]) -> None:
        for component in components:
            for setting in component.port_settings:
                port = self.config.port(setting)
                if port_taken(self.config.host, port):
                    raise StackError(
                        f"{component.title} cannot listen on {self.config.host}:{port}: another "
                        f"process holds that port. Stop it, or choose another port with "
                        f"{setting}=...{ephemeral_hint(port)}"
                    )

    def _start(self, component: Component) -> None:
        component.prepare()
        pid = component.process.start(
            component.command(), cwd=component.home, env=component.process_environment()
        )
        log.info("started %s (pid %d), log: %s", component.title, pid, component.main_log)

    async def _wait_ready(
        self, timeout_s: float, log_starts: dict[Path, int], started: Collection[Component]
    ) -> None:
        if started:
            titles = ", ".join(c.title for c in started)
            log.info("waiting for %s to answer (health probes, up to %.0f s)", titles, timeout_s)
        await asyncio.gather(
            *(_wait_answering(c, timeout_s, log_starts, c in started) for c in self.components)
        )

    def _stop(self, components: Collection[Component]) -> list[str]:
        stopped = [c.name for c in components if c.process.stop()]
        for name in stopped:
            log.info("stopped %s", name)
        return stopped

    def _wipe(self) -> None:
        for entry in self.config.data_dir.iterdir():
            if entry.name == _LOCK_NAME:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        log.info("deleted the stack's data in %s", self.config.data_dir)

    def _environment(self) -> dict[str, str]:
        return {key: value for c in self.components for key, value in c.environment().items()}

    async def _status(self) -> list[ComponentStatus]:
        found = []
        for component in self.components:
            pid = component.process.pid()
            answering = pid is not None and await _answers(component)
            found.append(ComponentStatus(component.name, pid, answering, component.environment()))
        return found

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One stack command at a time per data folder (two test sessions may start together)."""
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        with (self.config.data_dir / _LOCK_NAME).open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield


async def _wait_answering(
    component: Component, timeout_s: float, log_starts: dict[Path, int], announce: bool
) -> None:
    loop = asyncio.get_running_loop()
    began = loop.time()
    deadline = began + timeout_s
    while True:
        if component.process.pid() is None:
            raise StackError(
                f"{component.title} exited during start-up.\n{_new_output(component, log_starts)}"
            )
        try:
            await asyncio.wait_for(component.probe(), max(deadline - loop.time(), 0.1))
            if announce:
                log.info("%s answers (%.1f s)", component.title, loop.time() - began)
            return
        except Exception as error:  # any failure of the probe means "not yet"
            last_error = error
        if loop.time() >= deadline:
            raise StackError(
                f"{component.title} did not answer within {timeout_s:.0f} s ({last_error!r}); "
                f"see {component.main_log}. `python -m devstack down` stops it."
            )
        await asyncio.sleep(_PROBE_INTERVAL_S)


def _new_output(component: Component, log_starts: dict[Path, int]) -> str:
    """What its logs received since this start (an earlier run's lines would mislead)."""
    parts = [
        f"{log} ends with:\n{text}"
        for log in component.logs()
        if (text := written_since(log, log_starts.get(log, 0)))
    ]
    return "\n".join(parts) or f"It wrote nothing to {', '.join(map(str, component.logs()))}."


async def _answers(component: Component) -> bool:
    try:
        await asyncio.wait_for(component.probe(), _STATUS_PROBE_TIMEOUT_S)
    except Exception:  # status reports any failure as "not answering"
        return False
    return True


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code.

    A worker thread gets its own event loop, so this works even when the caller's thread has one
    (e.g. a pytest-asyncio session loop), and leaves that loop untouched.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="devstack") as pool:
        return pool.submit(asyncio.run, coroutine).result()
