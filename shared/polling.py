"""A background loop that does a round of work, then waits for its interval or a wake-up call.

For pollers of the store (dispatchers, relays, deadline watches): they look again on a schedule,
and whoever stores new work in this process ``wake``s them at once; the schedule covers work stored
by another replica, with no change stream to keep open and resume.
"""

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

log = logging.getLogger(__name__)


class PollingWorker(ABC):
    def __init__(self, name: str, interval_s: float) -> None:
        self.name = name
        self._interval_s = interval_s
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    async def run_once(self) -> None:
        """One round of work; should return early once ``stopping`` is true."""

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def start(self) -> None:
        """Nothing to open: rounds use the service's clients (see ``shared.supervision``)."""
        self._stopping.clear()

    def wake(self) -> None:
        """Start the next round now rather than at the end of the interval."""
        self._wakeup.set()

    async def run(self) -> None:
        """Rounds until ``stop``; a failed round (e.g. a store outage) is logged, not fatal."""
        while not self._stopping.is_set():
            self._wakeup.clear()
            try:
                await self.run_once()
            except Exception:
                log.exception("%s: round failed, trying again at the next one", self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self._interval_s)

    async def stop(self) -> None:
        """Let the round in hand finish, then return."""
        self._stopping.set()
        self._wakeup.set()
        if self._task is not None:
            await self._task

    async def __aenter__(self) -> Self:
        self._task = asyncio.create_task(self.run(), name=self.name)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
