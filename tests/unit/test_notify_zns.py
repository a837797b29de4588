"""Zalo (ZNS) messages over in-memory fakes of notify's ports: planning by the citizen's choice,
the dispatcher's fall-back to SMS, exactly once."""

import itertools
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import pytest

from services.notify.adapters.templates import TemplateRenderer
from services.notify.adapters.zns_templates import ZNS_TEMPLATES_FILE, load_zns_templates
from services.notify.domain.channels import ZALO
from services.notify.domain.delivery import Delivery, DeliveryStatus, Message, RetryPolicy
from services.notify.domain.messages import SmsContent, ZnsContent
from services.notify.domain.milestones import MILESTONE_TEMPLATES, Receipt, phone_channels_of
from services.notify.domain.privacy import DeliveryKeys
from services.notify.domain.senders import SenderNames
from services.notify.domain.sms import SmsMode
from services.notify.service_layer.dispatch import Dispatcher, Lanes, MailIdentity
from services.notify.service_layer.fallback import NOT_NEEDED
from services.notify.service_layer.handlers import Notifier
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.service_layer.planning import OPTED_OUT, Identity, Retention
from services.notify.service_layer.ports import Claimed, Outcome, ProviderError
from shared.clock import ManualClock
from shared.events.codec import new_event
from shared.events.decisions import PaymentApproved
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted, PhoneChannel, PhoneChannels
from shared.events.values import NotificationChannel
from shared.kafka.records import OutboundRecord

pytestmark = pytest.mark.unit

NOW = datetime(2025, 7, 28, 2, 0, tzinfo=UTC)
SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL
ZALO_ONLY, BOTH = [PhoneChannel.ZALO], [PhoneChannel.SMS, PhoneChannel.ZALO]
RENDERER = TemplateRenderer(
    SmsMode.UNICODE,
    {"office_name": "Bộ phận Một cửa", "lookup_url": "https://dvc.example.vn/tra-cuu"},
    zns=load_zns_templates(ZNS_TEMPLATES_FILE, MILESTONE_TEMPLATES.values()),
)
NO_ACCOUNT = ProviderError("ZNS error -118: Zalo account does not exist", permanent=True)
ZNS_DOWN = ProviderError("ZNS error -100: unknown exception")


class ChoiceAtReceipt(CaseSubmitted):
    """case-submitted with the applicant's phone channels, as intake is to send them (the field
    is a proposed contract change; notify reads it wherever an event carries it)."""

    phone_channels: PhoneChannels


class Log:
    """The delivery log in memory: the handler's side, the dispatcher's, and the receipts."""

    def __init__(self) -> None:
        self.entries: dict[str, Delivery] = {}
        self.messages: dict[str, Message] = {}
        self.receipts: dict[str, Receipt] = {}
        self.opted: set[tuple[NotificationChannel, str]] = set()
        self.published: list[OutboundRecord] = []
        self._tokens = itertools.count()

    async def opted_out(self, tx: object, addresses: Any) -> set[Any]:
        return {address for address in addresses if address in self.opted}

    def add(self, tx: object, delivery: Delivery, message: Message | None) -> None:
        self.entries[delivery.id] = delivery
        if message is not None:
            self.messages[message.id] = message

    async def receipt(self, tx: object, case_code: str) -> Receipt | None:
        return self.receipts.get(case_code)

    def remember_receipt(
        self, tx: object, case_code: str, receipt: Receipt, until: datetime
    ) -> None:
        self.receipts[case_code] = receipt

    async def claim(self, owner: str, now: datetime, until: datetime) -> Claimed | None:
        due = [d for d in self.entries.values() if d.due_at is not None and d.due_at <= now]
        if not due:
            return None
        first = min(due, key=lambda d: d.due_at or now)
        update = {"status": DeliveryStatus.SENDING, "claim": f"{owner}/{next(self._tokens)}"}
        claimed = first.model_copy(
            update={**update, "due_at": until, "attempts": first.attempts + 1}
        )
        self.entries[claimed.id] = claimed
        return Claimed(claimed, self.messages.get(claimed.id), taken_over=False)

    async def record(self, delivery: Delivery, outcome: Outcome) -> bool:
        current = self.entries[delivery.id]
        if current.claim != delivery.claim:
            return False
        log = [*current.attempt_log, outcome.attempt]
        self._change(delivery.id, {**outcome.changes, "claim": None, "attempt_log": log})
        release = outcome.release
        if release and self.entries[release.delivery_id].status is DeliveryStatus.STANDBY:
            self._change(release.delivery_id, release.changes)
        self.published.extend(outcome.records)
        return True

    def _change(self, delivery_id: str, changes: dict[str, Any]) -> None:
        current = self.entries[delivery_id].model_dump()
        self.entries[delivery_id] = Delivery.model_validate({**current, **changes})

    def by_channel(self) -> dict[str, Delivery]:
        return {d.channel: d for d in self.entries.values()}


class Provider:
    """A fake SMS gateway or ZNS: what it accepted, and the errors to raise first."""

    def __init__(self, *failures: ProviderError) -> None:
        self.sent: list[tuple[str, Any, str]] = []
        self.failures = list(failures)

    async def send(self, to: str, content: SmsContent | ZnsContent, reference: str) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((to, content, reference))


class Mailer:
    async def send(self, message: EmailMessage) -> None:
        """Accepts everything."""


class World:
    def __init__(self, *zns_failures: ProviderError) -> None:
        self.clock = ManualClock(NOW)
        self.log, self.sms, self.zns = Log(), Provider(), Provider(*zns_failures)
        outcomes = OutcomeEvents(lambda topic: topic, "notify")
        identity = Identity(DeliveryKeys("a test key of the delivery log"), SenderNames())
        retention = Retention(log=timedelta(days=365), message=timedelta(days=30))
        self.notifier = Notifier(self.log, RENDERER, outcomes, retention, identity, self.log)
        self.dispatcher = Dispatcher(
            self.log,
            Mailer(),
            self.sms,
            zns=self.zns,
            lanes=Lanes(owner="me", lease=timedelta(seconds=60)),
            policy=RetryPolicy(max_attempts=3, initial_s=10, max_s=60),
            mail=MailIdentity(Address("Một cửa", addr_spec="motcua@example.vn"), "example.vn"),
            outcomes=outcomes,
            clock=self.clock,
            rand=lambda: 1.0,
        )

    async def receive(self, event: Envelope[Any]) -> dict[str, Delivery]:
        await self.notifier.on_milestone(SimpleNamespace(now=self.clock.now()), event)  # type: ignore[arg-type]
        return self.log.by_channel()

    async def dispatch(self, rounds: int = 1) -> dict[str, Delivery]:
        for _ in range(rounds):
            await self.dispatcher.run_once()
            self.clock.set(self.clock.now() + timedelta(minutes=5))
        return self.log.by_channel()


def submitted(phone: list[PhoneChannel]) -> Envelope[Any]:
    data = EXAMPLES[CaseSubmitted].model_dump(exclude={"phone_channels"})
    event = new_event(EXAMPLES[CaseSubmitted])
    return event.model_copy(update={"data": ChoiceAtReceipt(**data, phone_channels=phone)})


def payment() -> Envelope[Any]:
    return new_event(EXAMPLES[PaymentApproved])


def test_every_template_names_its_registered_id_and_says_what_the_sms_says() -> None:
    event = submitted(ZALO_ONLY)
    context = {"case_code": event.subject, "data": event.data, "procedure": "Trợ cấp thờ cúng"}
    content = RENDERER.zns("case-submitted", {**context, "result_delivery": "desk"})
    assert content.template_id == "412301"
    assert content.params == {
        "ma_ho_so": event.subject,
        "thu_tuc": "Trợ cấp thờ cúng",
        "ngay_hen_tra": "29/07/2025",
        "tra_cuu": f"https://dvc.example.vn/tra-cuu?ma={event.subject}",
    }


async def test_zalo_alone_plans_a_zalo_message_with_the_sms_standing_by() -> None:
    world = World()
    log = await world.receive(submitted(ZALO_ONLY))
    zalo, sms = log[ZALO], log[SMS]
    assert (zalo.status, zalo.fallback, zalo.recipient_masked) == (
        DeliveryStatus.PENDING,
        sms.id,
        "+8491*****78",
    )
    assert (sms.status, sms.due_at) == (DeliveryStatus.STANDBY, None)
    assert log[EMAIL].status is DeliveryStatus.PENDING
    message = world.log.messages[zalo.id]
    assert message.recipient == "+84912345678" and message.zns is not None
    assert message.zns.params["ngay_hen_tra"] == "29/07/2025"


async def test_zalo_beside_sms_plans_both_without_a_fall_back() -> None:
    log = await World().receive(submitted(BOTH))
    assert (log[ZALO].status, log[ZALO].fallback) == (DeliveryStatus.PENDING, None)
    assert log[SMS].status is DeliveryStatus.PENDING


async def test_without_a_choice_nothing_goes_by_zalo() -> None:
    log = await World().receive(new_event(EXAMPLES[CaseSubmitted]))
    assert set(log) == {SMS, EMAIL}


async def test_later_events_of_the_case_use_the_choice_made_at_receipt() -> None:
    world = World()
    world.log.receipts[EXAMPLES[PaymentApproved].case_code] = Receipt(ZALO_ONLY)
    log = await world.receive(payment())
    assert log[SMS].status is DeliveryStatus.STANDBY
    zns, sms = world.log.messages[log[ZALO].id].zns, world.log.messages[log[SMS].id].sms
    assert zns is not None and sms is not None
    assert zns.params["so_tien"] == "1.400.000 đồng" and "1.400.000 đồng" in sms.text


async def test_receipt_remembers_the_choice_for_the_case() -> None:
    world = World()
    event = submitted(BOTH)
    await world.receive(event)
    assert world.log.receipts == {event.subject: Receipt(BOTH)}


async def test_an_sms_opt_out_also_stops_the_zalo_message() -> None:
    world = World()
    world.log.opted.add((SMS, "+84912345678"))
    log = await world.receive(submitted(ZALO_ONLY))
    assert (log[ZALO].status, log[ZALO].reason) == (DeliveryStatus.SKIPPED, OPTED_OUT)
    assert log[SMS].status is DeliveryStatus.SKIPPED


async def test_a_delivered_zalo_message_drops_the_standby_sms() -> None:
    world = World()
    await world.receive(submitted(ZALO_ONLY))
    log = await world.dispatch(rounds=2)
    assert [(to, ref) for to, _, ref in world.zns.sent] == [("+84912345678", log[ZALO].id)]
    assert world.sms.sent == []
    assert (log[ZALO].status, log[SMS].status) == (DeliveryStatus.SENT, DeliveryStatus.SKIPPED)
    assert log[SMS].reason == NOT_NEEDED
    # The Zalo message's and the e-mail's outcomes; the SMS never went, so it has none.
    sent = [r for r in world.log.published if r.topic == "notification-sent"]
    assert len(sent) == 2 and len(world.log.published) == 2
    assert {b'"channel":"zalo"' in r.value or b'"channel": "zalo"' in r.value for r in sent} == {
        True,
        False,
    }


async def test_no_zalo_account_sends_the_sms_once_and_the_log_shows_both() -> None:
    world = World(NO_ACCOUNT)
    await world.receive(submitted(ZALO_ONLY))
    log = await world.dispatch(rounds=3)
    assert world.zns.sent == []
    assert [ref for _, _, ref in world.sms.sent] == [log[SMS].id]
    assert (log[ZALO].status, log[ZALO].last_error) == (DeliveryStatus.DEAD, NO_ACCOUNT.reason)
    assert log[SMS].status is DeliveryStatus.SENT
    assert log[SMS].reason == "instead of the zalo message, which was not delivered"
    assert [a.error for a in log[ZALO].attempt_log] == [NO_ACCOUNT.reason]
    assert len(log[SMS].attempt_log) == 1
    assert "notification-failed" not in [r.topic for r in world.log.published]


async def test_zalo_retries_with_backoff_then_falls_back_when_attempts_run_out() -> None:
    world = World(ZNS_DOWN, ZNS_DOWN, ZNS_DOWN)
    await world.receive(submitted(ZALO_ONLY))
    await world.dispatcher.run_once()
    assert world.log.by_channel()[ZALO].status is DeliveryStatus.RETRYING
    assert world.log.by_channel()[ZALO].due_at == NOW + timedelta(seconds=10)
    log = await world.dispatch(rounds=4)
    assert log[ZALO].attempts == 3 and log[ZALO].status is DeliveryStatus.DEAD
    assert len(world.sms.sent) == 1 and log[SMS].status is DeliveryStatus.SENT


async def test_with_both_chosen_a_failed_zalo_message_sends_no_second_sms() -> None:
    world = World(NO_ACCOUNT)
    await world.receive(submitted(BOTH))
    log = await world.dispatch(rounds=3)
    assert len(world.sms.sent) == 1
    assert (log[ZALO].status, log[SMS].status) == (DeliveryStatus.DEAD, DeliveryStatus.SENT)


def test_only_case_submitted_carries_a_choice() -> None:
    assert phone_channels_of(SimpleNamespace(phone_channels=["zalo"])) == ZALO_ONLY
    assert phone_channels_of(EXAMPLES[PaymentApproved]) is None
