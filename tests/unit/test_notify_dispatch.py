"""Planning and the dispatcher over in-memory fakes of the service's ports."""

import itertools
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.delivery import (
    AttemptRecord,
    Delivery,
    DeliveryStatus,
    Message,
    RetryPolicy,
)
from services.notify.domain.messages import SmsContent
from services.notify.domain.privacy import DeliveryKeys
from services.notify.domain.senders import SenderNames
from services.notify.domain.sms import SmsMode
from services.notify.service_layer.dispatch import NO_CONTENT, Dispatcher, Lanes, MailIdentity
from services.notify.service_layer.handlers import Notifier
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.service_layer.planning import (
    OPTED_OUT,
    Identity,
    Plan,
    Retention,
    plan_delivery,
)
from services.notify.service_layer.ports import Claimed, Outcome, ProviderError
from shared.clock import ManualClock
from shared.events.codec import encode, new_event
from shared.events.envelope import Envelope
from shared.events.examples import APPLICANT, EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import NotificationChannel
from shared.kafka.records import OutboundRecord
from shared.kafka.retry import PermanentFailure
from shared.mongo import Conflict

pytestmark = pytest.mark.unit

START = datetime(2025, 7, 14, 2, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
RETENTION = Retention(log=timedelta(days=365), message=timedelta(days=30))
SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL
RENDERER = TemplateRenderer(SmsMode.UNACCENTED, {"office_name": "X", "lookup_url": "Y"})
KEYS = DeliveryKeys("a test key of the delivery log")
IDENTITY = Identity(KEYS, SenderNames({"SNV": "SONOIVU NA"}))


class FakeQueue:
    """The delivery log as the dispatcher sees it, with the same claim and lease rules."""

    def __init__(self) -> None:
        self.entries: dict[str, Delivery] = {}
        self.messages: dict[str, Message] = {}
        self.published: list[OutboundRecord] = []
        self.failures: list[Exception] = []  # raised by the next record calls
        self._tokens = itertools.count()

    def add(self, plan: Plan) -> None:
        self.entries[plan.delivery.id] = plan.delivery
        if plan.message is not None:
            self.messages[plan.message.id] = plan.message

    async def claim(self, owner: str, now: datetime, until: datetime) -> Claimed | None:
        due = [d for d in self.entries.values() if d.due_at is not None and d.due_at <= now]
        if not due:
            return None
        before = min(due, key=lambda d: d.due_at or now)
        claimed = before.model_copy(
            update={
                "status": DeliveryStatus.SENDING,
                "claim": f"{owner}/{next(self._tokens)}",
                "due_at": until,
                "attempts": before.attempts + 1,
            }
        )
        self.entries[claimed.id] = claimed
        taken_over = before.status is DeliveryStatus.SENDING
        return Claimed(claimed, self.messages.get(claimed.id), taken_over)

    async def record(self, delivery: Delivery, outcome: Outcome) -> bool:
        if self.failures:
            raise self.failures.pop(0)
        current = self.entries[delivery.id]
        if current.claim != delivery.claim:
            return False
        log = [*current.attempt_log, outcome.attempt]
        self.entries[delivery.id] = Delivery.model_validate(
            {**current.model_dump(), **outcome.changes, "claim": None, "attempt_log": log}
        )
        self.published.extend(outcome.records)
        return True

    def by_channel(self) -> dict[str, Delivery]:
        return {d.channel: d for d in self.entries.values()}

    def topics(self) -> list[str]:
        return sorted(r.topic for r in self.published)


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
        self.failures: list[ProviderError] = []

    async def send(self, to: str, content: SmsContent, reference: str) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((to, reference))


class World:
    def __init__(self) -> None:
        self.clock = ManualClock(START)
        self.queue = FakeQueue()
        self.email = FakeMailer()
        self.sms = FakeSmsGateway()
        self.dispatcher = Dispatcher(
            self.queue,
            self.email,
            self.sms,
            lanes=Lanes(owner="me", lease=LEASE, concurrency=2),
            policy=RetryPolicy(max_attempts=3, initial_s=10, max_s=60),
            mail=MailIdentity(Address("Một cửa", addr_spec="motcua@example.vn"), "example.vn"),
            outcomes=OutcomeEvents(lambda topic: topic, "notify"),
            clock=self.clock,
            rand=lambda: 1.0,
        )

    def plan(self, event: Envelope) -> None:
        for channel in (SMS, EMAIL):
            self.queue.add(planned(event, channel))


def submitted(**applicant: Any) -> Envelope:
    data = EXAMPLES[CaseSubmitted]
    return new_event(data.model_copy(update={"applicant": APPLICANT.model_copy(update=applicant)}))


def planned(event: Envelope, channel: NotificationChannel) -> Plan:
    return plan_delivery(
        event,
        "case-submitted",
        "case-submitted",
        channel,
        renderer=RENDERER,
        now=START,
        retention=RETENTION,
        identity=IDENTITY,
    )


def test_a_plan_is_due_now_and_its_log_entry_keeps_no_personal_data() -> None:
    plan = planned(submitted(), SMS)
    assert (plan.delivery.status, plan.delivery.due_at) == (DeliveryStatus.PENDING, START)
    assert plan.delivery.recipient_masked == "+8491*****78"
    # Keyed hashes: found again from the address only with the deployment's key.
    assert plan.delivery.recipient_hash == KEYS.recipient(SMS, "+84912345678")
    assert plan.delivery.recipient_hash != DeliveryKeys.development().recipient(SMS, "+84912345678")
    assert len(plan.delivery.params_hash) == 64
    assert plan.delivery.expires_at == START + RETENTION.log
    logged = plan.delivery.model_dump_json()
    assert "+84912345678" not in logged and APPLICANT.full_name not in logged
    assert plan.message is not None and plan.message.recipient == "+84912345678"
    assert plan.message.expires_at == START + RETENTION.message


def test_an_sms_goes_under_the_brandname_of_the_agency_acting_on_the_case() -> None:
    # The example case is SNV.NA-...: no name of its own, so its parent SNV's.
    plan = planned(submitted(), SMS)
    assert plan.message is not None and plan.message.sms is not None
    assert plan.message.sms.sender == "SONOIVU NA"
    other = new_event(EXAMPLES[CaseSubmitted].model_copy(update={"agency_code": "DAIDONG"}))
    unnamed = planned(other, SMS).message
    assert unnamed is not None and unnamed.sms is not None and unnamed.sms.sender is None


def test_a_bad_address_is_still_found_by_the_hash_of_what_was_written() -> None:
    bad = planned(submitted(phone="+84212345678"), SMS)
    assert bad.delivery.recipient_hash == KEYS.recipient(SMS, "+84212345678")


def test_missing_bad_and_refused_addresses_are_not_sent_with_the_reason() -> None:
    assert planned(submitted(email=None), EMAIL).delivery.reason == "no e-mail address given"
    bad = planned(submitted(phone="+84212345678"), SMS)
    assert (bad.delivery.status, bad.message) == (DeliveryStatus.FAILED, None)
    refused = planned(submitted(), SMS).opted_out()
    assert (refused.delivery.status, refused.delivery.reason) == (DeliveryStatus.SKIPPED, OPTED_OUT)
    assert (refused.delivery.due_at, refused.message) == (None, None)


async def test_due_messages_are_sent_once_and_reported() -> None:
    world = World()
    world.plan(submitted())
    await world.dispatcher.run_once()
    await world.dispatcher.run_once()
    assert len(world.email.mail) == 1
    assert world.sms.sent == [("+84912345678", world.queue.by_channel()[SMS].id)]
    assert {d.status for d in world.queue.entries.values()} == {DeliveryStatus.SENT}
    assert world.queue.topics() == ["notification-sent", "notification-sent"]
    mail = world.queue.by_channel()[EMAIL]
    assert world.email.mail[0]["Message-ID"] == f"<{mail.id}@example.vn>"


async def test_a_failing_provider_is_retried_with_backoff_until_it_accepts() -> None:
    world = World()
    world.plan(submitted())
    world.email.failures = [ProviderError("SMTP unavailable")]
    await world.dispatcher.run_once()
    mail = world.queue.by_channel()[EMAIL]
    assert (mail.status, mail.attempts, mail.last_error) == (
        DeliveryStatus.RETRYING,
        1,
        "SMTP unavailable",
    )
    assert mail.due_at == START + timedelta(seconds=10)
    await world.dispatcher.run_once()
    assert world.email.mail == []  # not due yet
    world.clock.advance(timedelta(seconds=10))
    await world.dispatcher.run_once()
    mail = world.queue.by_channel()[EMAIL]
    assert (mail.status, mail.attempts) == (DeliveryStatus.SENT, 2)
    assert len(world.email.mail) == 1
    assert [a.error for a in mail.attempt_log] == ["SMTP unavailable", None]


async def test_after_the_last_attempt_the_message_is_dead_and_dead_lettered() -> None:
    world, event = World(), submitted()
    world.plan(event)
    world.email.failures = [ProviderError("SMTP unavailable") for _ in range(3)]
    for _ in range(3):
        await world.dispatcher.run_once()
        world.clock.advance(timedelta(minutes=1))
    mail = world.queue.by_channel()[EMAIL]
    assert (mail.status, mail.attempts, mail.due_at) == (DeliveryStatus.DEAD, 3, None)
    failed, dead = world.queue.published[-2:]
    assert failed.topic == "notification-failed"
    assert (dead.topic, dead.value) == ("case-submitted.dlq", encode(event))


async def test_a_permanent_refusal_is_not_retried() -> None:
    world = World()
    world.plan(submitted())
    world.email.failures = [ProviderError("SMTP 550: no such mailbox", permanent=True)]
    await world.dispatcher.run_once()
    assert world.queue.by_channel()[EMAIL].status is DeliveryStatus.DEAD


async def test_a_claim_is_left_to_its_holder_until_its_lease_lapses() -> None:
    world = World()
    world.plan(submitted(email=None))
    sms_id = world.queue.by_channel()[SMS].id
    held = await world.queue.claim("crashed replica", START, START + LEASE)
    assert held is not None
    await world.dispatcher.run_once()
    assert world.sms.sent == []
    world.clock.advance(LEASE + timedelta(seconds=1))
    await world.dispatcher.run_once()
    # Sent again under the same reference: the gateway can drop it if the first one got through.
    assert world.sms.sent == [("+84912345678", sms_id)]
    assert world.queue.entries[sms_id].status is DeliveryStatus.SENT
    # The crashed claimant's late outcome is refused: the entry is no longer its claim.
    assert not await world.queue.record(held.delivery, Outcome({}, AttemptRecord(at=START)))


async def test_an_outcome_the_store_refused_is_recorded_again_not_sent_again() -> None:
    world = World()
    world.plan(submitted(email=None))
    # The send went through; storing its outcome fails twice (issue 11).
    world.queue.failures = [Conflict("busy"), AutoReconnect("primary stepped down")]
    await world.dispatcher.run_once()
    await world.dispatcher.run_once()
    assert len(world.sms.sent) == 1
    assert world.queue.by_channel()[SMS].status is DeliveryStatus.SENT
    assert world.queue.topics() == ["notification-sent"]


async def test_a_message_whose_content_expired_dies_without_being_sent() -> None:
    world = World()
    world.plan(submitted(email=None))
    world.queue.messages.clear()
    await world.dispatcher.run_once()
    sms = world.queue.by_channel()[SMS]
    assert (sms.status, sms.last_error) == (DeliveryStatus.DEAD, NO_CONTENT)
    assert world.sms.sent == []
    assert world.queue.topics() == ["notification-failed"]


async def test_the_dispatcher_s_log_lines_hold_no_address(caplog: pytest.LogCaptureFixture) -> None:
    world = World()
    world.plan(submitted())
    refusal = "550 <hoa.nguyen@example.vn>: no such user; +84912345678 barred"
    world.email.failures = [ProviderError(refusal, permanent=True)]
    world.sms.failures = [ProviderError(refusal)]
    with caplog.at_level("DEBUG"):
        await world.dispatcher.run_once()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "no such user" in logged
    assert "hoa.nguyen@" not in logged and "+84912345678" not in logged


class NoOptOuts:
    """The handler's side of the log, in memory: nobody opted out."""

    def __init__(self) -> None:
        self.added: list[Plan] = []

    async def opted_out(self, tx: object, addresses: object) -> set[object]:
        return set()

    def add(self, tx: object, delivery: Delivery, message: Message | None) -> None:
        self.added.append(Plan(delivery, message))


async def test_an_event_whose_values_no_message_can_be_made_of_is_dead_lettered_at_once() -> None:
    # A retention that takes the log's expiry past year 9999 (settings refuse it; here it stands
    # for any value of an event that breaks date arithmetic).
    endless = Retention(log=timedelta(days=3_000_000), message=timedelta(days=1))
    log = NoOptOuts()
    notifier = Notifier(log, RENDERER, OutcomeEvents(lambda t: t, "notify"), endless, IDENTITY)
    tx = SimpleNamespace(now=START)
    with pytest.raises(PermanentFailure, match="cannot be handled: OverflowError"):
        await notifier.on_milestone(tx, submitted())  # type: ignore[arg-type]
    assert log.added == []
