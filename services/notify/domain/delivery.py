"""The delivery log: one entry per case, triggering event and channel, and how it moves."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import BaseModel, Field

from services.notify.domain.contacts import mask
from services.notify.domain.messages import EmailContent, SmsContent
from shared.events.values import NotificationChannel
from shared.kafka.retry import backoff_delay


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # to be sent: a first attempt, or an officer's resend
    RETRYING = "retrying"  # the provider failed; due again at next_attempt_at
    SENT = "sent"  # the provider accepted it
    DEAD = "dead"  # every attempt failed
    FAILED = "failed"  # could never be sent: bad address, broken template
    SKIPPED = "skipped"  # nothing to send: no address on this channel, or opted out


# Statuses the dispatcher may still send; the others are final until an officer resends.
SENDABLE = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
RESENDABLE = (DeliveryStatus.SENT, DeliveryStatus.DEAD)


def delivery_id(case_code: str, trigger_event_id: UUID, channel: NotificationChannel) -> str:
    """The same id for the same (case, event, channel) in every replica, so a claim is unique."""
    return str(uuid5(NAMESPACE_URL, f"onestop:notify:{case_code}:{trigger_event_id}:{channel}"))


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    initial_s: float
    max_s: float

    def next_after_failure(
        self, attempts: int, now: datetime, rand: Callable[[], float] = random.random
    ) -> datetime | None:
        """When to try again after ``attempts`` failed attempts; None when the message is dead."""
        if attempts >= self.max_attempts:
            return None
        delay = backoff_delay(attempts, initial_s=self.initial_s, max_s=self.max_s, rand=rand)
        return now + timedelta(seconds=delay)


class AttemptRecord(BaseModel):
    at: datetime
    error: str | None = None


class Delivery(BaseModel):
    """One entry of the delivery log, as officers see it and the dispatcher works it."""

    id: str
    case_code: str
    trigger_event_id: UUID
    trigger_event_type: str
    trigger_topic: str
    channel: NotificationChannel
    recipient: str | None = None
    status: DeliveryStatus
    # Why it was skipped or failed, in words an officer can act on.
    reason: str | None = None
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None
    sms: SmsContent | None = None
    email: EmailContent | None = None
    resends: int = 0
    attempt_log: list[AttemptRecord] = Field(default_factory=list)

    @property
    def recipient_masked(self) -> str:
        return mask(self.channel, self.recipient or "")
