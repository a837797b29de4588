"""What a service does with each event it consumes: the one registry, from which its topics follow.

A service builds one ``Subscriptions`` from ``{catalogue topic: handler}``; the consumer runner
subscribes to exactly those topics and calls the handler inside a unit of work, so the handler's
writes, the events it publishes and the mark that the event was applied commit together. A
handler takes one event, or (``batches``) the new events of a batch in offset order, when it can
read and write for many in a few round trips; an event it cannot apply fails the batch, which the
runner then takes one event at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope

if TYPE_CHECKING:  # at run time the store package imports this one
    from shared.mongo.transaction import Transaction

log = logging.getLogger(__name__)

EventHandler = Callable[["Transaction", Envelope[Any]], Awaitable[None]]
BatchHandler = Callable[["Transaction", list[Envelope[Any]]], Awaitable[None]]

EVENTS_UNHANDLED = Counter(
    "onestop_events_unhandled_total",
    "Events of a type the consuming service has no handler for (skipped), by type.",
    ["type"],
)


class Subscriptions:
    """Handlers by catalogue topic; an unknown topic is refused when the service is wired."""

    def __init__(
        self,
        handlers: Mapping[str, EventHandler],
        batches: Mapping[str, BatchHandler] | None = None,
    ) -> None:
        batches = dict(batches or {})
        unknown = sorted((set(handlers) | set(batches)) - set(CATALOGUE.topics))
        if unknown:
            raise ValueError(f"not catalogue topics: {unknown}")
        twice = sorted(set(handlers) & set(batches))
        if twice:
            raise ValueError(f"topics with two handlers: {twice}")
        self._handlers = dict(handlers)
        self._batches = batches

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(sorted({*self._handlers, *self._batches}))

    async def apply(self, tx: Transaction, events: list[Envelope[Any]]) -> None:
        """Run the handlers of ``events`` (one partition's, in order); a type with none is counted
        and logged."""
        batched: dict[str, list[Envelope[Any]]] = {}
        for event in events:
            topic = self._topic(event)
            if topic in self._batches:
                batched.setdefault(topic, []).append(event)
            elif topic in self._handlers:
                await self._handlers[topic](tx, event)
            else:
                EVENTS_UNHANDLED.labels(type=event.type).inc()
                log.warning("no handler for event type %s, skipped", event.type)
        for topic, group in batched.items():
            await self._batches[topic](tx, group)

    @staticmethod
    def _topic(event: Envelope[Any]) -> str:
        spec = CATALOGUE.by_type(event.type)
        return "" if spec is None else spec.topic
