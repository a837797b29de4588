"""Supervised background workers: a worker that dies is logged, reported, and started again.

A service's consumers, outbox relay and pollers run under one ``Supervisor``. When one fails, the
error is logged with the worker's name (the consumer logs the event's coordinates itself), /readyz
answers 503 naming it, and a fresh instance is started after a backoff. A worker that keeps dying
(``max_failures`` in a row, each within ``healthy_after_s`` of its start) makes the process exit
non-zero, so that whatever runs the service (compose's ``restart:``, the local stack's watch)
starts it anew.
"""

import asyncio
import logging
import os
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from prometheus_client import Counter, Gauge

from shared.kafka.retry import backoff_delay

log = logging.getLogger(__name__)

WORKER_RESTARTS = Counter(
    "onestop_worker_restarts_total", "Background workers restarted after dying.", ["worker"]
)
WORKERS_DOWN = Gauge("onestop_workers_down", "Background workers currently not running.")
EXIT_WORKER_DIED = 70  # EX_SOFTWARE
STOP_TIMEOUT_S = 30.0


class Worker(Protocol):
    async def start(self) -> None: ...

    async def run(self) -> None:
        """Work until ``stop`` is called; returning earlier or raising counts as dying."""

    async def stop(self) -> None: ...


def exit_process(name: str) -> None:
    log.critical("worker %s cannot recover; exiting so that the service is restarted", name)
    logging.shutdown()
    os._exit(EXIT_WORKER_DIED)


class Supervisor:
    def __init__(
        self,
        *,
        max_failures: int = 5,
        healthy_after_s: float = 60.0,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 15.0,
        give_up: Callable[[str], None] = exit_process,
    ) -> None:
        self._max_failures = max_failures
        self._healthy_after_s = healthy_after_s
        self._backoff = (backoff_initial_s, backoff_max_s)
        self._give_up = give_up
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._running: dict[str, Worker] = {}
        self._down: dict[str, str] = {}
        self._stopping = asyncio.Event()

    def add(self, name: str, factory: Callable[[], Worker]) -> None:
        """Run a worker made by ``factory`` (called again for each restart) from now on."""
        if name in self._tasks:
            raise ValueError(f"a worker named {name} is already supervised")
        self._tasks[name] = asyncio.create_task(self._supervise(name, factory), name=name)

    @property
    def down(self) -> dict[str, str]:
        """Workers not running now, with the error that stopped them."""
        return dict(self._down)

    async def check(self) -> None:
        """Readiness: raise naming the workers that are down."""
        if self._down:
            raise RuntimeError("; ".join(f"{n}: {e}" for n, e in sorted(self._down.items())))

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def stop(self) -> None:
        """Stop every worker (each finishes what it has in hand) and wait for them.

        A worker still starting finishes its start and then stops itself: stopping it in the
        middle of its start (e.g. a consumer joining its group) can leave the start hanging.
        """
        self._stopping.set()
        stops = [
            asyncio.create_task(worker.stop(), name=f"stop {name}")
            for name, worker in self._running.items()
        ]
        tasks = [*stops, *self._tasks.values()]
        if not tasks:
            return
        # Bounded: a worker that cannot stop (a broker gone mid-request) must not keep the
        # service from shutting down; its supervisor restarts it from its committed state.
        _, late = await asyncio.wait(tasks, timeout=STOP_TIMEOUT_S)
        for task in late:
            log.warning("worker %s did not stop within %.0f s", task.get_name(), STOP_TIMEOUT_S)
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _supervise(self, name: str, factory: Callable[[], Worker]) -> None:
        failures = 0
        loop = asyncio.get_running_loop()
        while not self._stopping.is_set():
            started = loop.time()
            error = await self._run_once(name, factory())
            if self._stopping.is_set():
                return
            failures = 1 if loop.time() - started > self._healthy_after_s else failures + 1
            self._mark_down(name, error)
            if failures >= self._max_failures:
                self._give_up(name)
                return
            WORKER_RESTARTS.labels(worker=name).inc()
            delay = backoff_delay(failures, initial_s=self._backoff[0], max_s=self._backoff[1])
            try:
                await asyncio.wait_for(self._stopping.wait(), delay)
            except TimeoutError:
                continue

    async def _run_once(self, name: str, worker: Worker) -> str:
        """Start and run ``worker``; the reason it stopped (when not asked to)."""
        try:
            await worker.start()
            if self._stopping.is_set():  # asked to stop while it was starting
                await worker.stop()
                return "stopped"
            self._running[name] = worker
            self._mark_up(name)
            await worker.run()
            reason = "stopped by itself"
        except Exception as exc:
            log.exception("worker %s died", name)
            reason = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            self._running.pop(name, None)
        if not self._stopping.is_set():
            try:
                await worker.stop()
            except Exception:
                log.warning("worker %s did not stop cleanly", name, exc_info=True)
        return reason

    def _mark_down(self, name: str, reason: str) -> None:
        log.error("worker %s is down (%s); restarting", name, reason)
        self._down[name] = reason
        WORKERS_DOWN.set(len(self._down))

    def _mark_up(self, name: str) -> None:
        self._down.pop(name, None)
        WORKERS_DOWN.set(len(self._down))
