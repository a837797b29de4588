"""One attempt to send a claimed message, and the record of how it went."""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from email.headerregistry import Address
from typing import Any

from services.notify.domain.delivery import AttemptRecord, Delivery, DeliveryStatus, RetryPolicy
from services.notify.domain.messages import build_email
from services.notify.service_layer.metrics import MESSAGES, SMS_SEGMENTS
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.service_layer.ports import DeliveryLog, EmailSender, ProviderError, SmsGateway
from shared.clock import Clock
from shared.observability.logging import log_context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailIdentity:
    sender: Address
    message_id_domain: str


class Dispatcher:
    def __init__(
        self,
        deliveries: DeliveryLog,
        email: EmailSender,
        sms: SmsGateway,
        *,
        policy: RetryPolicy,
        mail: MailIdentity,
        outcomes: OutcomeEvents,
        clock: Clock,
        events_stored: Callable[[], None] = lambda: None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._log = deliveries
        self._email = email
        self._sms = sms
        self._policy = policy
        self._mail = mail
        self.outcomes = outcomes
        self._clock = clock
        # Tells the outbox relay there is something to publish, so it need not wait for its poll.
        self.events_stored = events_stored
        self._rand = rand

    async def attempt(self, delivery: Delivery) -> DeliveryStatus:
        """Send once (the caller holds the attempt's claim); record sent, retrying or dead."""
        with log_context(case_code=delivery.case_code, delivery_id=delivery.id):
            try:
                await self._send(delivery)
            except ProviderError as exc:
                return await self._failed(delivery, exc)
            return await self._sent(delivery)

    async def _send(self, delivery: Delivery) -> None:
        if delivery.recipient is None:
            raise ProviderError("no recipient", permanent=True)
        if delivery.sms is not None:
            await self._sms.send(delivery.recipient, delivery.sms, self._reference(delivery))
        elif delivery.email is not None:
            message = build_email(
                delivery.email,
                sender=self._mail.sender,
                to=delivery.recipient,
                message_id=f"<{self._reference(delivery)}@{self._mail.message_id_domain}>",
                date=self._clock.now(),
            )
            await self._email.send(message)
        else:
            raise ProviderError("nothing to send", permanent=True)

    @staticmethod
    def _reference(delivery: Delivery) -> str:
        """Stable across retries (providers can spot a repeat), new for an officer's resend."""
        return delivery.id if delivery.resends == 0 else f"{delivery.id}.{delivery.resends}"

    async def _sent(self, delivery: Delivery) -> DeliveryStatus:
        now = self._clock.now()
        done = delivery.model_copy(update={"attempts": delivery.attempts + 1})
        changes = {
            "status": str(DeliveryStatus.SENT),
            "attempts": done.attempts,
            "sent_at": now,
            "updated_at": now,
            "next_attempt_at": None,
        }
        entries = self.outcomes.sent(done, now)
        await self._record(done, changes, AttemptRecord(at=now), entries)
        MESSAGES.labels(channel=delivery.channel, outcome="sent").inc()
        if delivery.sms is not None:
            SMS_SEGMENTS.labels(encoding=delivery.sms.encoding).inc(delivery.sms.segments)
        log.info("%s message sent after %d attempt(s)", delivery.channel, done.attempts)
        return DeliveryStatus.SENT

    async def _failed(self, delivery: Delivery, exc: ProviderError) -> DeliveryStatus:
        now = self._clock.now()
        attempts = delivery.attempts + 1
        failed = delivery.model_copy(update={"attempts": attempts})
        next_at = (
            None if exc.permanent else self._policy.next_after_failure(attempts, now, self._rand)
        )
        changes: dict[str, Any] = {
            "attempts": attempts,
            "last_error": exc.reason,
            "updated_at": now,
            "next_attempt_at": next_at,
        }
        attempt = AttemptRecord(at=now, error=exc.reason)
        if next_at is not None:
            changes["status"] = str(DeliveryStatus.RETRYING)
            await self._record(failed, changes, attempt)
            MESSAGES.labels(channel=delivery.channel, outcome="retrying").inc()
            log.warning("%s attempt %d failed: %s", delivery.channel, attempts, exc.reason)
            return DeliveryStatus.RETRYING
        changes |= {"status": str(DeliveryStatus.DEAD), "reason": f"gave up: {exc.reason}"}
        trigger = await self._log.trigger_value(delivery.id)
        entries = self.outcomes.failed(failed, exc.reason, trigger, now)
        await self._record(failed, changes, attempt, entries)
        MESSAGES.labels(channel=delivery.channel, outcome="dead").inc()
        log.error("%s message dead after %d attempt(s): %s", delivery.channel, attempts, exc.reason)
        return DeliveryStatus.DEAD

    async def _record(
        self,
        delivery: Delivery,
        changes: dict[str, Any],
        attempt: AttemptRecord,
        outbox: list[dict[str, Any]] | None = None,
    ) -> None:
        await self._log.record_outcome(delivery.id, changes, attempt, outbox=outbox or ())
        if outbox:
            self.events_stored()
