"""Supervised workers: a dead one is reported, restarted with backoff, and given up on at last."""

import asyncio
from typing import TypeVar

import pytest

from shared.supervision import Supervisor
from tests.polling import eventually

pytestmark = pytest.mark.unit
T = TypeVar("T")


class Flaky:
    """Dies ``deaths`` times (counted across instances), then runs until stopped."""

    made = 0

    def __init__(self, deaths: int, ran: asyncio.Event) -> None:
        Flaky.made += 1
        self._die = Flaky.made <= deaths
        self._ran = ran
        self._stop = asyncio.Event()
        self.stopped = False

    async def start(self) -> None: ...

    async def run(self) -> None:
        if self._die:
            raise RuntimeError("partition 3 offset 17: boom")
        self._ran.set()
        await self._stop.wait()

    async def stop(self) -> None:
        self.stopped = True
        self._stop.set()


async def as_awaitable(value: T) -> T:
    return value


def fast(**options: object) -> Supervisor:
    return Supervisor(backoff_initial_s=0.01, backoff_max_s=0.02, **options)  # type: ignore[arg-type]


async def test_a_dead_worker_is_reported_then_restarted() -> None:
    Flaky.made = 0
    ran = asyncio.Event()
    # A backoff long enough to look at the worker while it is down.
    async with Supervisor(backoff_initial_s=0.4, backoff_max_s=0.4) as supervisor:
        supervisor.add("consumer", lambda: Flaky(2, ran))
        down = await eventually(lambda: as_awaitable(supervisor.down), what="worker down")
        assert down == {"consumer": "RuntimeError: partition 3 offset 17: boom"}
        with pytest.raises(RuntimeError, match="consumer: RuntimeError: partition 3"):
            await supervisor.check()
        await asyncio.wait_for(ran.wait(), 5)
        await supervisor.check()
        assert supervisor.down == {}
    assert Flaky.made == 3


async def test_a_worker_that_keeps_dying_makes_the_supervisor_give_up() -> None:
    Flaky.made = 0
    gave_up: list[str] = []
    async with fast(max_failures=3, give_up=gave_up.append) as supervisor:
        supervisor.add("relay", lambda: Flaky(99, asyncio.Event()))
        await eventually(lambda: as_awaitable(gave_up), what="giving up")
    assert gave_up == ["relay"]
    assert Flaky.made == 3


async def test_stopping_the_supervisor_stops_the_running_workers() -> None:
    Flaky.made = 0
    ran = asyncio.Event()
    workers: list[Flaky] = []

    def make() -> Flaky:
        workers.append(Flaky(0, ran))
        return workers[-1]

    async with fast() as supervisor:
        supervisor.add("watch", make)
        await asyncio.wait_for(ran.wait(), 5)
    assert [w.stopped for w in workers] == [True]
