"""Gathering the events that consumer tasks hand in at the same moment into one projector batch.

The consumer runner drains partitions concurrently, one event at a time each. Every store write
is a round trip (and on FerretDB a transaction of its own), so applying the events waiting at the
same moment together divides the writes by the number of busy partitions, while each handler
still returns only once its own event is stored (so offsets are committed after the effect, as
the runner requires).
"""

import asyncio
from collections.abc import Awaitable, Callable

from services.reporting.service_layer.projector import Outcome
from shared.events.envelope import Envelope

Apply = Callable[[list[Envelope]], Awaitable[Outcome]]


class Batcher:
    def __init__(self, apply: Apply) -> None:
        self._apply = apply
        self._waiting: list[tuple[Envelope, asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def submit(self, event: Envelope) -> None:
        """Return once ``event`` is applied; raise ``ProjectionError`` if it was rejected."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        await future

    async def _flush(self) -> None:
        while self._waiting:
            await asyncio.sleep(0)  # lets the handlers started in this same tick join the batch
            batch, self._waiting = self._waiting, []
            try:
                await self._settle(batch)
            except Exception:
                # One bad event must not fail its neighbours: retry each on its own.
                for item in batch:
                    await self._settle_alone(item)

    async def _settle(self, batch: list[tuple[Envelope, asyncio.Future[None]]]) -> None:
        outcome = await self._apply([event for event, _ in batch])
        rejected = {event.id: error for event, error in outcome.rejected}
        for event, future in batch:
            if future.done():
                continue
            if event.id in rejected:
                future.set_exception(rejected[event.id])
            else:
                future.set_result(None)

    async def _settle_alone(self, item: tuple[Envelope, asyncio.Future[None]]) -> None:
        try:
            await self._settle([item])
        except Exception as exc:
            if not item[1].done():
                item[1].set_exception(exc)
