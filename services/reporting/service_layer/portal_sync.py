"""The national portal's view: each event kept in the case's portal record (inside the
consumer's unit of work), and a supervised worker that sends pending records to the portal.

A send cannot be part of a transaction: a record whose outcome could not be stored (crash, store
outage) is sent again once its claim's lease lapses, under the same idempotency key, and the
portal drops the repeat. Transient failures (unreachable, 5xx, 408/425/429) are retried with
backoff without limit; a refusal (another 4xx) is dead-lettered.
"""

import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from prometheus_client import Counter, Gauge

from services.reporting.domain.portal import PortalRecord
from services.reporting.domain.portal_rules import apply_to_record, concerns_portal
from services.reporting.domain.portal_sync import SyncState
from services.reporting.service_layer.portal_ports import (
    Claim,
    PortalBook,
    PortalEndpoint,
    PortalQueue,
    PushFailed,
    Resend,
    Settlement,
    StoredRecord,
)
from shared.clock import Clock
from shared.events.envelope import Envelope
from shared.kafka.retry import backoff_delay
from shared.observability.logging import log_context
from shared.officers import Officer
from shared.polling import PollingWorker

log = logging.getLogger(__name__)

PENDING = Gauge(
    "onestop_reporting_portal_pending",
    "Portal records waiting to be sent to the national public-service portal.",
)
SENDS = Counter(
    "onestop_reporting_portal_sends_total",
    "Sends of portal records by outcome: delivered, retrying, dead_lettered, unrecorded.",
    ["outcome"],
)


async def keep_for_portal(book: PortalBook, event: Envelope[Any], clock: Clock) -> None:
    """Apply ``event`` to its case's portal record and mark the record pending."""
    if not concerns_portal(event):
        return
    stored = await book.get(event.subject) or StoredRecord(
        PortalRecord(case_code=event.subject), SyncState()
    )
    after = apply_to_record(stored.record, event)
    if after is None:
        return
    sync = stored.sync.changed(str(event.id), after.ready, clock.now())
    book.save(StoredRecord(after, sync, stored.version))


@dataclass(frozen=True)
class Backoff:
    initial_s: float
    max_s: float
    lease: timedelta


class PortalSync(PollingWorker):
    def __init__(
        self,
        queue: PortalQueue,
        endpoint: PortalEndpoint,
        clock: Clock,
        backoff: Backoff,
        *,
        interval_s: float,
        rand: Callable[[], float] = random.random,
    ) -> None:
        super().__init__("portal sync", interval_s)
        self._queue = queue
        self._endpoint = endpoint
        self._clock = clock
        self._backoff = backoff
        self._owner = f"portal-sync-{uuid.uuid4()}"
        self._rand = rand

    async def run_once(self) -> None:
        """Send what is due now, one record at a time, until nothing is."""
        while not self.stopping:
            now = self._clock.now()
            token = f"{self._owner}/{uuid.uuid4()}"
            claim = await self._queue.claim(token, now, now + self._backoff.lease)
            if claim is None:
                break
            await self.send(claim)
        PENDING.set(await self._queue.pending())

    async def send(self, claim: Claim) -> str:
        """Send one claimed record and record the outcome; the outcome's name."""
        with log_context(case_code=claim.case_code, event_id=claim.event_id):
            try:
                await self._endpoint.push(claim.payload, claim.event_id)
            except PushFailed as exc:
                outcome, settlement = self._failed(claim, exc)
            else:
                outcome, settlement = "delivered", Settlement(self._clock.now())
            if not await self._queue.settle(claim, settlement):
                outcome = "unrecorded"
                log.warning("portal send outcome not stored (claim lapsed): it may go again")
            SENDS.labels(outcome=outcome).inc()
            return outcome

    def _failed(self, claim: Claim, exc: PushFailed) -> tuple[str, Settlement]:
        now = self._clock.now()
        if exc.permanent:
            log.error("portal refused the record, dead-lettered: %s", exc.reason)
            return "dead_lettered", Settlement(now, exc.reason)
        attempt = claim.attempts + 1
        backoff = self._backoff
        delay = backoff_delay(
            attempt, initial_s=backoff.initial_s, max_s=backoff.max_s, rand=self._rand
        )
        log.warning("portal send failed (attempt %d), will retry: %s", attempt, exc.reason)
        return "retrying", Settlement(now, exc.reason, now + timedelta(seconds=delay))


async def resend_refused(
    queue: PortalQueue, case_code: str, who: Officer, clock: Clock
) -> tuple[Resend, str]:
    """Queue a record the portal refused once its cause is fixed; what happened and the new key."""
    key = f"resend-{uuid.uuid4()}"
    return await queue.resend(case_code, key, clock.now(), who), key
