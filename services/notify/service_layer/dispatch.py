"""The dispatcher: claims due deliveries, sends them, records how it went.

Any number of dispatchers (lanes of one replica, replicas) work the same log: a claim is one
atomic write that only one of them wins, and it carries a lease, so a dispatcher that died between
claim and outcome leaves an entry that becomes claimable again once the lease lapses.

Sending cannot be part of a transaction, so there is a window (issue 11): a send that succeeded
but whose outcome could not be stored is sent again after the lease. The outcome is therefore
recorded with retries for as long as the lease holds, and every repeat of one send carries the
same reference (SMS gateway idempotency key, e-mail Message-ID) for the provider to drop it.
"""

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address

from pymongo.errors import PyMongoError

from services.notify.domain.delivery import AttemptRecord, Delivery, DeliveryStatus, RetryPolicy
from services.notify.domain.messages import build_email
from services.notify.service_layer import fallback
from services.notify.service_layer.metrics import MESSAGES, SMS_SEGMENTS
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.service_layer.ports import (
    Claimed,
    DeliveryQueue,
    EmailSender,
    Outcome,
    ProviderError,
    SmsGateway,
    ZnsSender,
)
from shared.clock import Clock
from shared.kafka.retry import backoff_delay
from shared.mongo import Conflict
from shared.observability.logging import log_context
from shared.polling import PollingWorker

log = logging.getLogger(__name__)

RECORD_ATTEMPTS = 10
RECORD_BACKOFF_S = 0.1
RECORD_BACKOFF_MAX_S = 5.0
NO_CONTENT = "the message's content is no longer kept"


@dataclass(frozen=True)
class MailIdentity:
    sender: Address
    message_id_domain: str


@dataclass(frozen=True)
class Lanes:
    """Who this dispatcher is, how long its claims hold, how many sends it has in flight."""

    owner: str
    lease: timedelta
    concurrency: int = 1
    poll_interval_s: float = 1.0


class Dispatcher(PollingWorker):
    def __init__(
        self,
        queue: DeliveryQueue,
        email: EmailSender,
        sms: SmsGateway,
        *,
        zns: ZnsSender | None = None,
        lanes: Lanes,
        policy: RetryPolicy,
        mail: MailIdentity,
        outcomes: OutcomeEvents,
        clock: Clock,
        rand: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(f"dispatcher {lanes.owner}", lanes.poll_interval_s)
        self._queue = queue
        self._email = email
        self._sms = sms
        # Without one, a Zalo message fails at once (and its SMS, if standing by, goes instead).
        self._zns = zns
        self._lanes = lanes
        self._policy = policy
        self._mail = mail
        self._outcomes = outcomes
        self._clock = clock
        self._rand = rand

    async def run_once(self) -> None:
        """Send what is due now, in ``concurrency`` lanes, until nothing is."""
        await asyncio.gather(*(self._lane() for _ in range(self._lanes.concurrency)))

    async def _lane(self) -> None:
        while not self.stopping:
            now = self._clock.now()
            claimed = await self._queue.claim(self._lanes.owner, now, now + self._lanes.lease)
            if claimed is None:
                return
            await self.attempt(claimed)

    async def attempt(self, claimed: Claimed) -> DeliveryStatus:
        """Send once (the caller holds the claim); record sent, retrying or dead."""
        delivery = claimed.delivery
        with log_context(case_code=delivery.case_code, delivery_id=delivery.id):
            if claimed.taken_over:
                MESSAGES.labels(channel=delivery.channel, outcome="taken_over").inc()
                log.warning("a lapsed claim taken over: sending again under the same reference")
            try:
                await self._send(claimed)
            except ProviderError as exc:
                status, outcome = self._failed(claimed, exc)
            else:
                status, outcome = self._sent(claimed)
            if await self._record(delivery, outcome):
                MESSAGES.labels(channel=delivery.channel, outcome=status).inc()
            return status

    async def _send(self, claimed: Claimed) -> None:
        delivery, message = claimed.delivery, claimed.message
        if message is None:
            raise ProviderError(NO_CONTENT, permanent=True)
        if message.sms is not None:
            await self._sms.send(message.recipient, message.sms, delivery.reference)
        elif message.zns is not None:
            if self._zns is None:
                raise ProviderError("no ZNS sender configured", permanent=True)
            await self._zns.send(message.recipient, message.zns, delivery.reference)
        elif message.email is not None:
            email = build_email(
                message.email,
                sender=self._mail.sender,
                to=message.recipient,
                message_id=f"<{delivery.reference}@{self._mail.message_id_domain}>",
                date=self._clock.now(),
            )
            await self._email.send(email)
        else:
            raise ProviderError("nothing to send", permanent=True)

    def _sent(self, claimed: Claimed) -> tuple[DeliveryStatus, Outcome]:
        now, delivery = self._clock.now(), claimed.delivery
        changes = {
            "status": str(DeliveryStatus.SENT),
            "sent_at": now,
            "updated_at": now,
            "due_at": None,
            "last_error": None,
        }
        if claimed.message is not None and claimed.message.sms is not None:
            SMS_SEGMENTS.labels(encoding=claimed.message.sms.encoding).inc(delivery.segments or 0)
        log.info("%s message sent after %d attempt(s)", delivery.channel, delivery.attempts)
        records = self._outcomes.sent(delivery, now)
        outcome = Outcome(
            changes, AttemptRecord(at=now), records, fallback.after_sent(delivery, now)
        )
        return DeliveryStatus.SENT, outcome

    def _failed(self, claimed: Claimed, exc: ProviderError) -> tuple[DeliveryStatus, Outcome]:
        now, delivery = self._clock.now(), claimed.delivery
        attempt = AttemptRecord(at=now, error=exc.reason)
        common = {"last_error": exc.reason, "updated_at": now}
        next_at = (
            None
            if exc.permanent
            else self._policy.next_after_failure(delivery.attempts, now, self._rand)
        )
        if next_at is not None:
            log.warning("%s attempt %d failed: %s", delivery.channel, delivery.attempts, exc.reason)
            changes = {**common, "status": str(DeliveryStatus.RETRYING), "due_at": next_at}
            return DeliveryStatus.RETRYING, Outcome(changes, attempt)
        log.error("%s message dead after %d attempts: %s", delivery.channel, delivery.attempts, exc)
        changes = {
            **common,
            "status": str(DeliveryStatus.DEAD),
            "due_at": None,
            "reason": f"gave up: {exc.reason}",
        }
        release = fallback.after_dead(delivery, now)
        if release is not None:  # not failed: the standby message goes instead, and says so
            return DeliveryStatus.DEAD, Outcome(changes, attempt, (), release)
        trigger = claimed.message.trigger_value if claimed.message else None
        records = self._outcomes.failed(delivery, exc.reason, trigger, now)
        return DeliveryStatus.DEAD, Outcome(changes, attempt, records)

    async def _record(self, delivery: Delivery, outcome: Outcome) -> bool:
        """Store the outcome, trying again while the claim's lease holds: once it lapses another
        dispatcher may send the message again (issue 11). False if it was not stored."""
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            try:
                if await self._queue.record(delivery, outcome):
                    return True
                log.warning("claim lost before its outcome was stored (lease lapsed)")
                return False
            except (Conflict, PyMongoError) as exc:
                delay = backoff_delay(
                    attempt, initial_s=RECORD_BACKOFF_S, max_s=RECORD_BACKOFF_MAX_S, rand=self._rand
                )
                if attempt == RECORD_ATTEMPTS or delay >= self._lease_left(delivery):
                    MESSAGES.labels(channel=delivery.channel, outcome="unrecorded").inc()
                    log.error("outcome not stored, the message may go again: %r", exc)
                    return False
                await asyncio.sleep(delay)
        return False

    def _lease_left(self, delivery: Delivery) -> float:
        """Seconds until the claim's lease lapses (``due_at`` of a claimed delivery)."""
        if delivery.due_at is None:
            return 0.0
        return (delivery.due_at - self._clock.now()).total_seconds()
