"""The delivery log: one entry per case, triggering event and channel, and how it moves.

An entry says what happened to a message without saying who got it or what it said: the
recipient is masked (with a keyed hash to find it by) and the content is named by its template
and a keyed hash of its parameters. What is needed to send (address, rendered text) is a separate
``Message`` that is kept only briefly.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import BaseModel, Field

from services.notify.domain.channels import Channel
from services.notify.domain.messages import EmailContent, SmsContent, ZnsContent
from shared.kafka.retry import backoff_delay


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # to be sent: a first attempt, or an officer's resend
    SENDING = "sending"  # claimed by a dispatcher until due_at (its lease)
    RETRYING = "retrying"  # the provider failed; due again at due_at
    SENT = "sent"  # the provider accepted it
    DEAD = "dead"  # every attempt failed
    FAILED = "failed"  # could never be sent: bad address, broken template
    SKIPPED = "skipped"  # nothing to send: no address on this channel, or opted out
    STANDBY = "standby"  # sent only if the delivery named by another's ``fallback`` fails


RESENDABLE = (DeliveryStatus.SENT, DeliveryStatus.DEAD)


def delivery_id(case_code: str, trigger_event_id: UUID, channel: Channel) -> str:
    """The same id for the same (case, event, channel) in every replica and every redelivery."""
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
    channel: Channel
    template: str
    params_hash: str
    recipient_masked: str | None = None
    # HMAC of the normalised address (``privacy.DeliveryKeys``): finds a recipient's messages.
    recipient_hash: str | None = None
    status: DeliveryStatus
    # Why it was skipped or failed, in words an officer can act on.
    reason: str | None = None
    attempts: int = 0
    last_error: str | None = None
    # When a dispatcher should next act on it: the next attempt, or the end of a claim's lease
    # (a lapsed lease makes it claimable again). None once final.
    due_at: datetime | None = None
    # The token of the claim that is sending it: only that claim's outcome is recorded.
    claim: str | None = None
    segments: int | None = None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None
    resends: int = 0
    # The standby entry that goes instead if this one dies (Zalo's SMS), released or dropped in
    # the same transaction as this one's outcome.
    fallback: str | None = None
    attempt_log: list[AttemptRecord] = Field(default_factory=list)
    # The TTL index deletes the entry then (retention of the delivery log).
    expires_at: datetime

    @property
    def reference(self) -> str:
        """The provider's dedup key: stable across retries and takeovers of one send, new for an
        officer's resend (which is meant to arrive again)."""
        return self.id if self.resends == 0 else f"{self.id}.{self.resends}"


class Message(BaseModel):
    """What a pending delivery sends: personal data, deleted by a TTL index after a short time."""

    id: str
    recipient: str
    sms: SmsContent | None = None
    email: EmailContent | None = None
    zns: ZnsContent | None = None
    # The triggering event as it arrived, for the dead-letter topic if the message dies.
    trigger_value: str
    expires_at: datetime
