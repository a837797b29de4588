"""What a service does with each event it consumes: the one registry, from which its topics follow.

A service builds one ``Subscriptions`` from ``{catalogue topic: handler}``; the consumer runner
subscribes to exactly those topics and calls the handler inside a unit of work, so the handler's
writes, the events it publishes and the mark that the event was applied commit together.
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

EVENTS_UNHANDLED = Counter(
    "onestop_events_unhandled_total",
    "Events of a type the consuming service has no handler for (skipped), by type.",
    ["type"],
)


class Subscriptions:
    """Handlers by catalogue topic; an unknown topic is refused when the service is wired."""

    def __init__(self, handlers: Mapping[str, EventHandler]) -> None:
        unknown = sorted(set(handlers) - set(CATALOGUE.topics))
        if unknown:
            raise ValueError(f"not catalogue topics: {unknown}")
        self._handlers = dict(handlers)

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(sorted(self._handlers))

    async def apply(self, tx: Transaction, event: Envelope[Any]) -> None:
        """Run the handler of ``event``'s type; a type with none is counted and logged."""
        spec = CATALOGUE.by_type(event.type)
        handler = self._handlers.get(spec.topic) if spec is not None else None
        if handler is None:
            EVENTS_UNHANDLED.labels(type=event.type).inc()
            log.warning("no handler for event type %s, skipped", event.type)
            return
        await handler(tx, event)
