"""Delivering one consumed message to its handler: decode, retry, or park it as a dead letter."""

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiokafka.structs import ConsumerRecord

from shared.events.codec import DecodeError
from shared.events.envelope import Envelope
from shared.kafka.deadletter import Failure, dead_letter_parcels, dlq_topic
from shared.kafka.metrics import EVENTS_CONSUMED, HANDLER_DURATION
from shared.kafka.provenance import ForeignSource, read_event
from shared.kafka.records import Headers
from shared.kafka.retry import (
    PermanentFailure,
    TransientCheck,
    backoff_delay,
    is_infrastructure_outage,
)
from shared.observability.logging import log_context
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

Handler = Callable[[Envelope[Any]], Awaitable[None]]


class RawPublisher(Protocol):
    async def publish_raw(
        self, topic: str, value: bytes | None, *, key: bytes | None = None, headers: Headers | None
    ) -> object: ...


class Delivery:
    """Takes one message to a final outcome: handled, or dead-lettered.

    Handler failures are retried ``consumer_max_attempts`` times in all, then dead-lettered.
    Infrastructure outages are retried without limit (backoff capped at ``consumer_backoff_max_s``)
    and never dead-letter an event. ``deliver`` returns False only when ``stopping`` is set while it
    waits to retry: the message is then left uncommitted, for the next run to take up.
    """

    def __init__(
        self,
        settings: ServiceSettings,
        handler: Handler,
        publisher: RawPublisher,
        *,
        group: str,
        stopping: asyncio.Event,
        transient: TransientCheck = is_infrastructure_outage,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._settings = settings
        self._handler = handler
        self._publisher = publisher
        self._group = group
        self._stopping = stopping
        self._transient = transient
        self._rand = rand

    async def deliver(self, record: ConsumerRecord, topic: str) -> bool:
        """Deliver ``record`` taken from the catalogue topic ``topic``."""
        with log_context(topic=topic, partition=record.partition, offset=record.offset):
            try:
                event = read_event(record.value, topic=topic)
            except DecodeError as exc:
                log.error("unacceptable message: %s", exc.reason)
                failure = Failure(exc.reason, attempts=1, exception_type=type(exc).__name__)
                outcome = "foreign_source" if isinstance(exc, ForeignSource) else "decode_error"
                return await self._dead_letter(record, topic, failure, outcome)
            with log_context(case_code=event.subject, event_id=event.id):
                return await self._handle(record, topic, event)

    async def _handle(self, record: ConsumerRecord, topic: str, event: Envelope[Any]) -> bool:
        failures = outages = 0
        while True:
            try:
                with HANDLER_DURATION.labels(topic=topic).time():
                    await self._handler(event)
            except Exception as exc:
                if self._transient(exc):
                    outages += 1
                    log.warning("infrastructure unavailable, will retry: %r", exc)
                elif (failures := failures + 1) >= self._settings.consumer_max_attempts or (
                    isinstance(exc, PermanentFailure)
                ):
                    log.exception("handler failed %d times, dead-lettering", failures)
                    failure = Failure(repr(exc), failures, type(exc).__name__)
                    return await self._dead_letter(record, topic, failure, "dead_lettered")
                else:
                    log.warning("handler failed (attempt %d), will retry: %r", failures, exc)
                EVENTS_CONSUMED.labels(topic=topic, outcome="retried").inc()
                if not await self._pause(max(failures, outages)):
                    return False
            else:
                EVENTS_CONSUMED.labels(topic=topic, outcome="ok").inc()
                return True

    async def _dead_letter(
        self, record: ConsumerRecord, topic: str, failure: Failure, outcome: str
    ) -> bool:
        # Smaller and smaller parcels: a message whose headers (or value, with our headers added)
        # are too large for the broker is still parked, with what fits.
        parcels = dead_letter_parcels(record, self._group, failure)
        value, headers = next(parcels)
        outages = 0
        while True:
            try:
                await self._publisher.publish_raw(
                    dlq_topic(topic), value, key=record.key, headers=headers
                )
            except Exception as exc:
                if not self._transient(exc):
                    log.warning("dead letter refused (%r), parking a smaller one", exc)
                    value, headers = next(parcels)  # the last parcel always fits
                    continue
                outages += 1
                log.warning("cannot reach the dead-letter topic, will retry: %r", exc)
                if not await self._pause(outages):
                    return False
            else:
                EVENTS_CONSUMED.labels(topic=topic, outcome=outcome).inc()
                return True

    async def _pause(self, attempt: int) -> bool:
        """Wait before retry number ``attempt``; False if asked to stop meanwhile."""
        delay = backoff_delay(
            attempt,
            initial_s=self._settings.consumer_backoff_initial_s,
            max_s=self._settings.consumer_backoff_max_s,
            rand=self._rand,
        )
        try:
            await asyncio.wait_for(self._stopping.wait(), delay)
        except TimeoutError:
            return True
        return False
