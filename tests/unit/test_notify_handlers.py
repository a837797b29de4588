"""The notifier, dispatcher and retry scheduler over in-memory fakes of the service's ports."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

import pytest

from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.delivery import AttemptRecord, Delivery, DeliveryStatus, RetryPolicy
from services.notify.domain.messages import SmsContent
from services.notify.domain.sms import SmsMode
from services.notify.service_layer.dispatch import Dispatcher, MailIdentity
from services.notify.service_layer.handlers import Notifier
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.service_layer.ports import ProviderError
from services.notify.service_layer.retries import RetryScheduler
from shared.clock import ManualClock
from shared.events.codec import encode, new_event
from shared.events.examples import APPLICANT, EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import NotificationChannel

pytestmark = pytest.mark.unit

START = datetime(2025, 7, 14, 2, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL


class FakeLog:
    def __init__(self) -> None:
        self.entries: dict[str, Delivery] = {}
        self.outbox: dict[str, list[dict[str, Any]]] = {}
        self.triggers: dict[str, str] = {}
        self.claims: dict[str, datetime] = {}

    async def add_all(
        self, entries: Sequence[tuple[Delivery, Sequence[dict[str, Any]]]], trigger_value: str
    ) -> set[str]:
        added = set()
        for delivery, outbox in entries:
            if delivery.id not in self.entries:
                self.entries[delivery.id] = delivery
                self.outbox[delivery.id] = list(outbox)
                self.triggers[delivery.id] = trigger_value
                added.add(delivery.id)
        return added

    async def claim(self, delivery: Delivery, owner: str, now: datetime, until: datetime) -> bool:
        key = f"{delivery.id}/{delivery.resends}/{delivery.attempts}"
        if key in self.claims and self.claims[key] >= now:
            return False
        self.claims[key] = until
        return True

    async def due(self, now: datetime, limit: int) -> list[Delivery]:
        sendable = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
        found = [
            d
            for d in self.entries.values()
            if d.status in sendable and d.next_attempt_at and d.next_attempt_at <= now
        ]
        return sorted(found, key=lambda d: d.next_attempt_at or now)[:limit]

    async def trigger_value(self, delivery_id: str) -> str:
        return self.triggers[delivery_id]

    async def record_outcome(
        self,
        delivery_id: str,
        changes: dict[str, Any],
        attempt: AttemptRecord,
        *,
        outbox: Sequence[dict[str, Any]] = (),
    ) -> None:
        current = self.entries[delivery_id]
        log = [*current.attempt_log, attempt]
        self.entries[delivery_id] = current.model_validate(
            {**current.model_dump(), **changes, "attempt_log": log}
        )
        self.outbox[delivery_id] += outbox

    async def request_resend(self, delivery_id: str, now: datetime) -> Delivery | None:
        raise NotImplementedError

    async def get(self, delivery_id: str) -> Delivery | None:
        return self.entries.get(delivery_id)

    async def for_case(self, case_code: str) -> list[Delivery]:
        return [d for d in self.entries.values() if d.case_code == case_code]

    def by_channel(self) -> dict[str, Delivery]:
        return {d.channel: d for d in self.entries.values()}

    def topics(self) -> list[str]:
        return sorted(e["topic"] for entries in self.outbox.values() for e in entries)


class FakeOptOuts:
    def __init__(self, *refused: tuple[NotificationChannel, str]) -> None:
        self.refused = set(refused)

    async def opted_out(
        self, addresses: Sequence[tuple[NotificationChannel, str]]
    ) -> set[tuple[NotificationChannel, str]]:
        return self.refused & set(addresses)


class FakeMailer:
    """Records what it accepted; refuses while ``failures`` holds errors to raise."""

    def __init__(self) -> None:
        self.mail: list[EmailMessage] = []
        self.failures: list[ProviderError] = []

    async def send(self, message: EmailMessage) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.mail.append(message)


class FakeSmsGateway:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, to: str, content: SmsContent, reference: str) -> None:
        self.sent.append((to, reference))


class World:
    def __init__(self, optouts: FakeOptOuts | None = None) -> None:
        self.clock = ManualClock(START)
        self.log = FakeLog()
        self.email = FakeMailer()
        self.sms = FakeSmsGateway()
        self.dispatcher = Dispatcher(
            self.log,
            self.email,
            self.sms,
            policy=RetryPolicy(max_attempts=3, initial_s=10, max_s=60),
            mail=MailIdentity(Address("Một cửa", addr_spec="motcua@example.vn"), "example.vn"),
            outcomes=OutcomeEvents(lambda topic: topic, "notify"),
            clock=self.clock,
            rand=lambda: 1.0,
        )
        renderer = TemplateRenderer(SmsMode.UNACCENTED, {"office_name": "X", "lookup_url": "Y"})
        self.notifier = Notifier(
            self.log,
            optouts or FakeOptOuts(),
            renderer,
            self.dispatcher,
            clock=self.clock,
            lease=LEASE,
        )
        self.scheduler = RetryScheduler(
            self.log, self.dispatcher, clock=self.clock, owner="me", lease=LEASE, poll_interval_s=1
        )


def submitted(**applicant: Any) -> Any:
    data = EXAMPLES[CaseSubmitted]
    return new_event(data.model_copy(update={"applicant": APPLICANT.model_copy(update=applicant)}))


async def test_an_event_delivered_twice_is_sent_once_per_channel() -> None:
    world, event = World(), submitted()
    await world.notifier.on_milestone(event)
    await world.notifier.on_milestone(event)
    assert len(world.email.mail) == 1
    assert len(world.sms.sent) == 1
    assert world.log.topics() == ["notification-sent", "notification-sent"]


async def test_a_failing_provider_is_retried_with_backoff_until_it_accepts() -> None:
    world, event = World(), submitted()
    world.email.failures = [ProviderError("SMTP unavailable")]
    await world.notifier.on_milestone(event)
    mail = world.log.by_channel()[EMAIL]
    assert (mail.status, mail.attempts, mail.last_error) == (
        DeliveryStatus.RETRYING,
        1,
        "SMTP unavailable",
    )
    assert mail.next_attempt_at == START + timedelta(seconds=10)
    await world.scheduler.run_once()
    assert world.email.mail == []  # not due yet
    world.clock.advance(timedelta(seconds=10))
    await world.scheduler.run_once()
    mail = world.log.by_channel()[EMAIL]
    assert (mail.status, mail.attempts) == (DeliveryStatus.SENT, 2)
    assert len(world.email.mail) == 1
    assert [a.error for a in mail.attempt_log] == ["SMTP unavailable", None]


async def test_after_the_last_attempt_the_message_is_dead_and_dead_lettered() -> None:
    world, event = World(), submitted()
    world.email.failures = [ProviderError("SMTP unavailable") for _ in range(3)]
    await world.notifier.on_milestone(event)
    for _ in range(2):
        world.clock.advance(timedelta(minutes=1))
        await world.scheduler.run_once()
    mail = world.log.by_channel()[EMAIL]
    assert (mail.status, mail.attempts) == (DeliveryStatus.DEAD, 3)
    assert mail.next_attempt_at is None
    assert world.log.outbox[mail.id][-2]["topic"] == "notification-failed"
    dead_letter = world.log.outbox[mail.id][-1]
    assert dead_letter["topic"] == "case-submitted.dlq"
    assert dead_letter["value"] == encode(event).decode()


async def test_a_permanent_refusal_is_not_retried() -> None:
    world, event = World(), submitted()
    world.email.failures = [ProviderError("SMTP 550: no such mailbox", permanent=True)]
    await world.notifier.on_milestone(event)
    assert world.log.by_channel()[EMAIL].status is DeliveryStatus.DEAD


async def test_a_claimed_attempt_is_left_to_its_claimant() -> None:
    world, event = World(), submitted()
    world.email.failures = [ProviderError("SMTP unavailable")]
    await world.notifier.on_milestone(event)
    mail = world.log.by_channel()[EMAIL]
    world.clock.advance(timedelta(seconds=10))
    assert await world.log.claim(mail, "other replica", world.clock.now(), START + LEASE)
    await world.scheduler.run_once()
    assert world.email.mail == []


async def test_missing_and_refused_addresses_are_skipped_with_the_reason() -> None:
    world = World(FakeOptOuts((SMS, "+84912345678")))
    await world.notifier.on_milestone(submitted(email=None))
    log = world.log.by_channel()
    assert (log[EMAIL].status, log[EMAIL].reason) == (
        DeliveryStatus.SKIPPED,
        "no e-mail address given",
    )
    assert (log[SMS].status, log[SMS].reason) == (
        DeliveryStatus.SKIPPED,
        "the recipient opted out",
    )
    assert world.sms.sent == []
