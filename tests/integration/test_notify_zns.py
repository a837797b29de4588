"""Zalo (ZNS) messages on the real broker and store, sent to the sinks' ZNS and SMS endpoints."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from devstack.sinks.running import RunningSinks, running_sinks
from devstack.sinks.zns import ZnsSinkClient
from services.notify.bootstrap import NotifyContainer, bootstrap
from services.notify.domain.channels import ZALO
from services.notify.domain.delivery import Delivery, DeliveryStatus
from services.notify.domain.milestones import Receipt
from services.notify.settings import NotifySettings
from shared.events.codec import new_event
from shared.events.decisions import PaymentApproved
from shared.events.envelope import Envelope
from shared.events.examples import APPLICANT, EXAMPLES
from shared.events.intake import PhoneChannel
from shared.events.values import NotificationChannel
from shared.kafka import EventProducer
from shared.mongo import Transaction
from shared.settings import ServiceSettings
from tests.integration.notify_support import notify_settings_on
from tests.polling import eventually

pytestmark = pytest.mark.integration

SMS = NotificationChannel.SMS
FINAL = {DeliveryStatus.SENT, DeliveryStatus.DEAD, DeliveryStatus.SKIPPED}


@pytest.fixture(scope="module")
async def sinks(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSinks]:
    async with running_sinks(tmp_path_factory.mktemp("zns-sinks")) as sinks:
        yield sinks


@pytest.fixture(scope="module")
def zns(sinks: RunningSinks) -> ZnsSinkClient:
    return ZnsSinkClient(sinks.http)


@pytest.fixture(scope="module")
def notify_settings(settings: ServiceSettings, sinks: RunningSinks) -> NotifySettings:
    return notify_settings_on(
        settings,
        sinks,
        zns_api_url=f"{sinks.url}/zns",
        notify_backoff_initial_s=0.1,
        notify_backoff_max_s=0.2,
        notify_poll_interval_s=0.05,
        outbox_poll_interval_s=0.05,
    )


@pytest.fixture(scope="module")
async def service(notify_settings: NotifySettings) -> AsyncIterator[NotifyContainer]:
    async with bootstrap(notify_settings) as container:
        yield container


@pytest.fixture(scope="module")
async def producer(notify_settings: NotifySettings) -> AsyncIterator[EventProducer]:
    async with EventProducer(notify_settings) as producer:
        yield producer


async def received(service: NotifyContainer, case_code: str, phone: str) -> Envelope[Any]:
    """A payment decision for a case whose applicant chose Zalo alone at receipt."""

    async def choose(tx: Transaction) -> None:
        until = tx.now.replace(year=tx.now.year + 1)
        service.deliveries.remember_receipt(tx, case_code, Receipt([PhoneChannel.ZALO]), until)

    await service.uow.run(choose)
    applicant = APPLICANT.model_copy(update={"phone": phone, "email": None})
    data = EXAMPLES[PaymentApproved].model_copy(
        update={"case_code": case_code, "applicant": applicant}
    )
    return new_event(data)


async def settled(service: NotifyContainer, event: Envelope[Any]) -> dict[str, Delivery]:
    async def probe() -> dict[str, Delivery]:
        return {d.channel: d for d in await service.deliveries.for_case(event.subject)}

    def done(found: dict[str, Delivery]) -> bool:
        return {ZALO, SMS} <= set(found) and all(d.status in FINAL for d in found.values())

    return await eventually(probe, until=done, what=f"the messages of {event.subject} to settle")


async def sms_to(sinks: RunningSinks, reference: str) -> list[dict[str, Any]]:
    return [body for body in await sinks.sms() if body["reference"] == reference]


async def zns_to(zns: ZnsSinkClient, reference: str) -> list[dict[str, Any]]:
    return [body for body in await zns.messages() if body["tracking_id"] == reference]


async def test_zalo_chosen_sends_a_zalo_message_and_no_sms_even_when_redelivered(
    service: NotifyContainer, producer: EventProducer, sinks: RunningSinks, zns: ZnsSinkClient
) -> None:
    event = await received(service, "SNV.NA-250714-0301", "+84912345678")
    await producer.publish(event)
    await producer.publish(event)
    log = await settled(service, event)

    assert (log[ZALO].status, log[SMS].status) == (DeliveryStatus.SENT, DeliveryStatus.SKIPPED)
    [message] = await zns_to(zns, log[ZALO].id)
    assert message["phone"] == "84912345678" and message["template_id"] == "412305"
    assert message["template_data"]["so_tien"] == "1.400.000 đồng"
    assert await sms_to(sinks, log[SMS].id) == []
    # The redelivered copy planned nothing more: one entry per channel.
    entries = await service.deliveries.for_case(event.subject)
    assert sorted(d.channel for d in entries) == ["email", "sms", "zalo"]


async def test_a_phone_without_zalo_gets_exactly_one_sms(
    service: NotifyContainer, producer: EventProducer, sinks: RunningSinks, zns: ZnsSinkClient
) -> None:
    await zns.without_zalo("84987654321")
    event = await received(service, "SNV.NA-250714-0302", "+84987654321")
    await producer.publish(event)
    log = await settled(service, event)

    assert (log[ZALO].status, log[SMS].status) == (DeliveryStatus.DEAD, DeliveryStatus.SENT)
    assert "-118" in str(log[ZALO].last_error)
    assert await zns_to(zns, log[ZALO].id) == []
    [sms] = await eventually(lambda: sms_to(sinks, log[SMS].id), what="the fall-back SMS")
    assert sms["to"] == "+84987654321" and "1.400.000" in sms["text"]
