"""The notify service on the real broker and store, sending to real SMTP and HTTP sinks."""

from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.sinks.running import RunningSinks, running_sinks
from services.notify.adapters.templates import TEMPLATES_DIR, TemplateRenderer
from services.notify.bootstrap import NotifyContainer, bootstrap, retention
from services.notify.domain.delivery import Delivery, DeliveryStatus
from services.notify.domain.sms import SmsMode
from services.notify.entrypoints.app import create_app
from services.notify.service_layer import officers
from services.notify.service_layer.handlers import Notifier
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.settings import NotifySettings
from shared.events.codec import decode, encode, new_event
from shared.events.decisions import CaseResolved, PaymentApproved
from shared.events.envelope import Envelope
from shared.events.examples import APPLICANT, EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import Applicant, ApplicantContact, ApplicantKind, NotificationChannel
from shared.kafka import EventProducer, dlq_topic
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.integration.notify_support import notify_settings_on
from tests.polling import eventually
from tests.tokens import bearer, officer

pytestmark = pytest.mark.integration

SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL


@pytest.fixture(scope="module")
async def sinks(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSinks]:
    async with running_sinks(tmp_path_factory.mktemp("sinks")) as sinks:
        yield sinks


async def mail_for(sinks: RunningSinks, delivery_id: str) -> list[EmailMessage]:
    return [m for m in await sinks.mail() if delivery_id in (m["Message-ID"] or "")]


async def mail_text(service: NotifyContainer, sinks: RunningSinks, event: Envelope) -> str:
    """The plain text of the e-mail ``event`` sent."""
    mail_id = (await settled(service, event))[EMAIL].id
    [mail] = await eventually(lambda: mail_for(sinks, mail_id), what="the e-mail")
    return str(mail.get_body(preferencelist=("plain",)).get_content())


async def sms_for(sinks: RunningSinks, reference: str) -> list[dict[str, Any]]:
    return [body for body in await sinks.sms() if body["reference"] == reference]


@pytest.fixture(scope="module")
def notify_settings(settings: ServiceSettings, sinks: RunningSinks) -> NotifySettings:
    return notify_settings_on(
        settings,
        sinks,
        sms_mode=SmsMode.UNICODE,
        mail_from_name="Sở Nội vụ tỉnh Nghệ An",
        notify_max_attempts=6,
        notify_backoff_initial_s=0.2,
        notify_backoff_max_s=0.5,
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


def submitted(case_code: str, **applicant: Any) -> Envelope:
    data = EXAMPLES[CaseSubmitted]
    return new_event(
        data.model_copy(
            update={"case_code": case_code, "applicant": APPLICANT.model_copy(update=applicant)}
        )
    )


async def deliveries(service: NotifyContainer, event: Envelope) -> dict[str, Delivery]:
    found = await service.deliveries.for_case(event.subject)
    return {d.channel: d for d in found if d.trigger_event_id == event.id}


async def settled(service: NotifyContainer, event: Envelope) -> dict[str, Delivery]:
    """Both of the event's log entries once neither will be attempted again."""
    final = {
        DeliveryStatus.SENT,
        DeliveryStatus.DEAD,
        DeliveryStatus.FAILED,
        DeliveryStatus.SKIPPED,
    }

    async def probe() -> dict[str, Delivery] | None:
        found = await deliveries(service, event)
        done = len(found) == 2 and all(d.status in final for d in found.values())
        return found if done else None

    return await eventually(probe, what=f"both messages of {event.subject} to settle")


async def published(settings: ServiceSettings, topic: str, case_code: str) -> list[Envelope]:
    records = await read_topic(settings, topic)
    return [decode(r.value, topic=topic) for r in records if r.key == case_code.encode()]


async def test_an_event_sends_an_email_and_an_sms_in_vietnamese(
    service: NotifyContainer,
    producer: EventProducer,
    sinks: RunningSinks,
    notify_settings: NotifySettings,
) -> None:
    event = submitted("SNV.NA-250714-0101")
    await producer.publish(event)
    log = await settled(service, event)

    [mail] = await eventually(lambda: mail_for(sinks, log[EMAIL].id), what="the e-mail")
    assert (
        mail["Subject"]
        == "Hồ sơ SNV.NA-250714-0101 (Giải quyết chế độ trợ cấp thờ cúng liệt sĩ) đã được tiếp "
        "nhận, hẹn trả kết quả ngày 29/07/2025"
    )
    assert mail["To"] == "hoa.nguyen@example.vn"
    assert mail["From"].addresses[0].display_name == "Sở Nội vụ tỉnh Nghệ An"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Kính gửi ông/bà Nguyễn Thị Hoa," in text
    assert "Ngày hẹn trả kết quả: 29/07/2025" in text
    assert "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ" in html

    [sms] = await eventually(lambda: sms_for(sinks, log[SMS].id), what="the SMS")
    assert sms["to"] == "+84912345678"
    assert sms["unicode"] is True
    assert sms["sender"] == notify_settings.sms_sender
    assert "Đã nhận hồ sơ Giải quyết chế độ trợ cấp thờ cúng liệt sĩ" in sms["text"]
    assert "hẹn trả 29/07/2025" in sms["text"]
    # The code only in the link that opens the citizen page with it filled in.
    assert sms["text"].endswith(f"{notify_settings.lookup_url}?ma=SNV.NA-250714-0101")
    assert log[SMS].segments is not None and log[SMS].segments <= 2

    assert {d.status for d in log.values()} == {DeliveryStatus.SENT}
    sent = await eventually(
        lambda: published(notify_settings, "notification-sent", event.subject),
        until=lambda found: len(found) >= 2,
        what="notification-sent events",
    )
    assert {(e.data.channel, e.data.trigger_event_id) for e in sent} == {
        (SMS, event.id),
        (EMAIL, event.id),
    }
    assert {e.data.recipient for e in sent} == {"+8491*****78", "h***@example.vn"}


async def test_an_organisation_is_greeted_by_its_name_also_when_its_case_is_resolved(
    service: NotifyContainer, producer: EventProducer, sinks: RunningSinks
) -> None:
    name, code = "Công ty TNHH Cơ khí Hưng Nguyên", "SNV.NA-250714-0121"
    organisation = Applicant(
        kind=ApplicantKind.ORGANISATION,
        full_name=name,
        tax_code="2900325117",
        address="Số 8 đường Lê Hồng Phong, thành phố Vinh, Nghệ An",
        phone=APPLICANT.phone,
        email=APPLICANT.email,
    )
    receipt = new_event(
        EXAMPLES[CaseSubmitted].model_copy(update={"case_code": code, "applicant": organisation})
    )
    # case-resolved carries a contact only: the kind is the one notify kept from the receipt.
    contact = ApplicantContact(full_name=name, phone=APPLICANT.phone, email=APPLICANT.email)
    resolved = new_event(
        EXAMPLES[CaseResolved].model_copy(update={"case_code": code, "applicant": contact})
    )
    for event in (receipt, resolved):
        await producer.publish(event)
        text = await mail_text(service, sinks, event)
        assert text.startswith(f"Kính gửi {name},"), event.type
        assert "Quý tổ chức" in text and "ông/bà" not in text.lower(), event.type


async def test_the_same_event_delivered_twice_sends_one_email_and_one_sms(
    service: NotifyContainer, producer: EventProducer, sinks: RunningSinks
) -> None:
    event, after = submitted("SNV.NA-250714-0102"), submitted("SNV.NA-250714-0102")
    await producer.publish(event)
    await producer.publish(event)
    # Same case, same partition: once the later event is done, both copies have been handled.
    await producer.publish(after)
    await settled(service, after)
    log = await settled(service, event)
    assert len(await mail_for(sinks, log[EMAIL].id)) == 1
    assert len(await sms_for(sinks, log[SMS].id)) == 1
    assert log[EMAIL].attempts == log[SMS].attempts == 1


async def test_mail_waits_out_an_smtp_outage_and_is_sent_once(
    service: NotifyContainer, producer: EventProducer, sinks: RunningSinks
) -> None:
    event = submitted("SNV.NA-250714-0103")
    await sinks.smtp.stop()
    try:
        await producer.publish(event)

        async def retried() -> Delivery | None:
            mail = (await deliveries(service, event)).get(EMAIL)
            return mail if mail is not None and mail.attempts >= 2 else None

        failing = await eventually(retried, what="the e-mail to be retried")
        assert failing.status in (DeliveryStatus.RETRYING, DeliveryStatus.SENDING)
        assert failing.last_error is not None and "SMTP" in failing.last_error
    finally:
        await sinks.smtp.start()
    log = await settled(service, event)
    assert log[EMAIL].status is DeliveryStatus.SENT
    assert [a.error is None for a in log[EMAIL].attempt_log][-1]
    assert len(await mail_for(sinks, log[EMAIL].id)) == 1
    assert len(await sms_for(sinks, log[SMS].id)) == 1


async def test_an_undecodable_event_is_dead_lettered_and_the_next_one_delivered(
    service: NotifyContainer,
    producer: EventProducer,
    sinks: RunningSinks,
    notify_settings: NotifySettings,
) -> None:
    case = "SNV.NA-250714-0104"
    good = submitted(case)
    await producer.publish_raw(
        "case-submitted", b'{"specversion": "1.0", "type": ', key=case.encode()
    )
    await producer.publish(good)
    log = await settled(service, good)
    assert {d.status for d in log.values()} == {DeliveryStatus.SENT}
    [dead] = await dead_letters(notify_settings, "case-submitted", case)
    assert dead.value == b'{"specversion": "1.0", "type": '
    assert dict(dead.headers)["dlq_reason"].startswith(b"malformed JSON")


async def test_a_gateway_that_keeps_failing_makes_the_sms_dead_and_says_so(
    service: NotifyContainer,
    producer: EventProducer,
    sinks: RunningSinks,
    notify_settings: NotifySettings,
) -> None:
    event = submitted("SNV.NA-250714-0105")
    await sinks.fail_sms(notify_settings.notify_max_attempts)
    await producer.publish(event)
    log = await settled(service, event)
    assert log[SMS].status is DeliveryStatus.DEAD
    assert log[SMS].attempts == notify_settings.notify_max_attempts
    assert "503" in (log[SMS].last_error or "")
    assert log[EMAIL].status is DeliveryStatus.SENT
    assert await sms_for(sinks, log[SMS].id) == []

    failed = await eventually(
        lambda: published(notify_settings, "notification-failed", event.subject),
        until=lambda found: len(found) >= 1,
        what="notification-failed",
    )
    assert [(e.data.channel, e.data.attempts) for e in failed] == [
        (SMS, notify_settings.notify_max_attempts)
    ]
    [dead] = await eventually(
        lambda: dead_letters(notify_settings, "case-submitted", event.subject),
        what="the dead letter",
    )
    assert decode(dead.value, topic="case-submitted") == event
    assert dict(dead.headers)["dlq_channel"] == b"sms"
    assert b"503" in dict(dead.headers)["dlq_reason"]


async def dead_letters(settings: ServiceSettings, topic: str, case_code: str) -> list[Any]:
    records = await read_topic(settings, dlq_topic(topic))
    return [r for r in records if r.key == case_code.encode()]


async def test_an_officer_resend_sends_a_dead_message_again(
    service: NotifyContainer,
    producer: EventProducer,
    sinks: RunningSinks,
    notify_settings: NotifySettings,
) -> None:
    event = submitted("SNV.NA-250714-0106")
    await sinks.fail_sms(notify_settings.notify_max_attempts)
    await producer.publish(event)
    dead = (await settled(service, event))[SMS]
    assert dead.status is DeliveryStatus.DEAD
    clerk = officer("reception_clerk", "SNV.NA", "clerk-07")
    await officers.resend(service.deliveries, dead.id, service.clock.now(), lambda: None, clerk)
    service.dispatcher.wake()
    [sms] = await eventually(lambda: sms_for(sinks, f"{dead.id}.1"), what="the resent SMS")
    assert "SNV.NA-250714-0106" in sms["text"]
    again = (await settled(service, event))[SMS]
    assert (again.status, again.resends, again.attempts) == (DeliveryStatus.SENT, 1, 1)


async def test_a_number_that_is_no_mobile_is_recorded_as_failed_and_the_email_still_goes(
    service: NotifyContainer, producer: EventProducer, sinks: RunningSinks
) -> None:
    event = submitted("SNV.NA-250714-0107", phone="+84212345678")
    await producer.publish(event)
    log = await settled(service, event)
    assert log[SMS].status is DeliveryStatus.FAILED
    assert log[SMS].reason == "not a Vietnamese mobile number: +8421*****78"
    assert log[EMAIL].status is DeliveryStatus.SENT


async def test_no_email_address_skips_the_email_with_the_reason(
    service: NotifyContainer, producer: EventProducer
) -> None:
    event = submitted("SNV.NA-250714-0108", email=None)
    await producer.publish(event)
    log = await settled(service, event)
    assert (log[EMAIL].status, log[EMAIL].reason) == (
        DeliveryStatus.SKIPPED,
        "no e-mail address given",
    )
    assert log[SMS].status is DeliveryStatus.SENT


async def test_a_broken_template_is_recorded_as_failed_and_dead_lettered(
    service: NotifyContainer, notify_settings: NotifySettings, tmp_path: Path
) -> None:
    for template in TEMPLATES_DIR.iterdir():
        (tmp_path / template.name).write_text(template.read_text())
    (tmp_path / "payment-approved.sms.j2").write_text("{{ data.no_such_field }}")
    broken = TemplateRenderer(SmsMode.UNICODE, {"office_name": "x", "lookup_url": "y"}, tmp_path)
    outcomes = OutcomeEvents(notify_settings.topic, notify_settings.topic("notify"))
    notifier = Notifier(service.deliveries, broken, outcomes, retention(notify_settings))
    data = EXAMPLES[PaymentApproved].model_copy(update={"case_code": "SNV.NA-250714-0109"})
    event = new_event(data)
    # Returns: a broken template is no reason to crash.
    await service.uow.run(lambda tx: notifier.on_milestone(tx, event))
    service.dispatcher.wake()
    log = await settled(service, event)
    assert log[SMS].status is DeliveryStatus.FAILED
    assert "no_such_field" in (log[SMS].reason or "")
    assert log[EMAIL].status is DeliveryStatus.SENT

    [dead] = await eventually(
        lambda: dead_letters(notify_settings, "payment-approved", event.subject),
        what="the dead letter",
    )
    assert dead.value == encode(event)
    assert b"no_such_field" in dict(dead.headers)["dlq_reason"]


async def test_an_opted_out_number_gets_no_sms(
    service: NotifyContainer, producer: EventProducer
) -> None:
    clerk = officer("reception_clerk", "SNV.NA", "clerk-1")
    await officers.opt_out(service.optouts, SMS, "0987654321", clerk, service.clock.now())
    event = submitted("SNV.NA-250714-0110", phone="+84987654321")
    await producer.publish(event)
    log = await settled(service, event)
    assert (log[SMS].status, log[SMS].reason) == (DeliveryStatus.SKIPPED, "the recipient opted out")
    assert log[EMAIL].status is DeliveryStatus.SENT


OFFICER = bearer("reception_clerk", "SNV.NA", "clerk-07")


@pytest.fixture(scope="module")
async def api(
    service: NotifyContainer, notify_settings: NotifySettings
) -> AsyncIterator[httpx.AsyncClient]:
    """The HTTP routes over the module's running service (its lifespan is the fixture's)."""
    app = create_app(notify_settings)
    app.state.container = service
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notify") as client:
        yield client


async def test_the_delivery_log_of_a_case_lists_each_message_with_its_attempts(
    service: NotifyContainer, producer: EventProducer, api: httpx.AsyncClient
) -> None:
    event = submitted("SNV.NA-250714-0111")
    await producer.publish(event)
    await settled(service, event)
    response = await api.get("/cases/SNV.NA-250714-0111/deliveries", headers=OFFICER)
    assert response.status_code == 200
    listed = {d["channel"]: d for d in response.json()}
    assert listed.keys() == {"sms", "email"}
    assert listed["email"]["status"] == "sent"
    assert listed["email"]["template"] == "case-submitted"
    assert listed["email"]["recipient_masked"] == "h***@example.vn"
    # The log names the content and masks the recipient: no personal data in clear (issue 12).
    assert "hoa.nguyen" not in response.text and "Nguyễn Thị Hoa" not in response.text
    assert listed["sms"]["attempts"] == 1
    assert listed["sms"]["trigger_event_id"] == str(event.id)


async def test_officer_routes_need_an_officer_of_the_desk(api: httpx.AsyncClient) -> None:
    response = await api.get("/cases/SNV.NA-250714-0111/deliveries")
    assert response.status_code == 401
    assert response.json()["detail"][0]["field"] == "header.authorization"
    specialist = bearer("specialist", "SNV.NA")
    response = await api.get("/cases/SNV.NA-250714-0111/deliveries", headers=specialist)
    assert response.status_code == 403


async def test_a_malformed_case_code_is_refused(api: httpx.AsyncClient) -> None:
    response = await api.get("/cases/not-a-case/deliveries", headers=OFFICER)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "path.code"


async def test_resending_an_unknown_or_unfinished_message_is_refused(
    service: NotifyContainer, producer: EventProducer, api: httpx.AsyncClient
) -> None:
    response = await api.post("/deliveries/no-such-id/resend", headers=OFFICER)
    assert response.status_code == 404
    assert response.json()["detail"][0]["field"] == "path.delivery_id"
    event = submitted("SNV.NA-250714-0112", phone="+84212345678")
    await producer.publish(event)
    failed = (await settled(service, event))[SMS]
    response = await api.post(f"/deliveries/{failed.id}/resend", headers=OFFICER)
    assert response.status_code == 409
    assert (await service.deliveries.get(failed.id)) == failed


async def test_an_officer_resend_over_http_sends_the_message_again(
    service: NotifyContainer, producer: EventProducer, api: httpx.AsyncClient, sinks: RunningSinks
) -> None:
    event = submitted("SNV.NA-250714-0113")
    await producer.publish(event)
    sent = (await settled(service, event))[EMAIL]
    response = await api.post(f"/deliveries/{sent.id}/resend", headers=OFFICER)
    assert response.status_code == 202
    assert response.json()["resends"] == 1
    [again] = await eventually(lambda: mail_for(sinks, f"{sent.id}.1@"), what="the resent e-mail")
    [first] = await mail_for(sinks, f"<{sent.id}@")
    assert again["Subject"] == first["Subject"]
    assert len(await mail_for(sinks, f"<{sent.id}@")) == 1


async def test_opt_outs_are_recorded_looked_up_and_withdrawn(api: httpx.AsyncClient) -> None:
    body = {"channel": "email", "address": " Hoa.Tran@Example.VN "}
    response = await api.post("/opt-outs", json=body, headers=OFFICER)
    assert response.status_code == 201
    assert response.json()["address"] == "hoa.tran@example.vn"
    assert response.json()["recorded_by"] == "clerk-07"
    address = {"channel": "email", "address": "hoa.tran@example.vn"}
    found = await api.post("/opt-outs/status", json=address, headers=OFFICER)
    assert found.status_code == 200
    upper = {"channel": "email", "address": "HOA.TRAN@example.vn"}
    gone = await api.post("/opt-outs/removals", json=upper, headers=OFFICER)
    assert gone.status_code == 204
    missing = await api.post("/opt-outs/status", json=address, headers=OFFICER)
    assert missing.status_code == 404
    # Both changes are in the audit trail, the address masked, the chain intact.
    manager = bearer("manager", "SNV.NA", "ql.son")
    trail = (await api.get("/audit", params={"officer_id": "clerk-07"}, headers=manager)).json()
    changes = [(e["action"], e["after"] or e["before"]) for e in trail["entries"][:2]]
    assert changes == [
        ("opt_in", {"channel": "email", "address": "h***@example.vn"}),
        ("opt_out", {"channel": "email", "address": "h***@example.vn"}),
    ]
    checked = await api.get("/audit", params={"verify": "true"}, headers=manager)
    assert checked.json()["chain"]["intact"] is True


async def test_an_officer_finds_the_messages_sent_to_an_address_by_its_hash(
    service: NotifyContainer, producer: EventProducer, api: httpx.AsyncClient
) -> None:
    event = submitted("SNV.NA-250714-0114", phone="+84912000114")
    await producer.publish(event)
    await settled(service, event)
    body = {"channel": "sms", "address": "0912 000 114"}
    found = (await api.post("/deliveries/search", json=body, headers=OFFICER)).json()
    assert [d["case_code"] for d in found] == ["SNV.NA-250714-0114"]
    assert "0912000114" not in str(found)


async def test_an_opt_out_for_a_malformed_address_is_refused(api: httpx.AsyncClient) -> None:
    body = {"channel": "sms", "address": "12345"}
    response = await api.post("/opt-outs", json=body, headers=OFFICER)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "body.address"
    assert "not a Vietnamese mobile number" in error["reason"]


async def test_a_zalo_address_is_looked_up_and_opted_out_as_the_phone_numbers(
    api: httpx.AsyncClient,
) -> None:
    """Zalo reaches the mobile number's account: its messages are found, and refused, under the
    SMS channel; asking by ``zalo`` is refused naming the field, whatever the address."""
    for path in ("/deliveries/search", "/opt-outs"):
        for address in ("0912 000 115", "ban@example.vn"):
            body = {"channel": "zalo", "address": address}
            response = await api.post(path, json=body, headers=OFFICER)
            assert response.status_code == 422, (path, response.text)
            [error] = response.json()["detail"]
            assert error["field"] == "body.channel"


async def test_two_replicas_retrying_the_same_messages_send_each_once(
    service: NotifyContainer,
    producer: EventProducer,
    sinks: RunningSinks,
    notify_settings: NotifySettings,
) -> None:
    events = [submitted(f"SNV.NA-250714-02{n:02d}") for n in range(6)]
    async with bootstrap(notify_settings) as second:
        await sinks.smtp.stop()
        try:
            for event in events:
                await producer.publish(event)

            async def all_retrying() -> bool:
                logs = [await deliveries(service, e) for e in events]
                return all(EMAIL in log and log[EMAIL].attempts >= 1 for log in logs)

            await eventually(all_retrying, what="every e-mail to fail once")
        finally:
            await sinks.smtp.start()
        # Both replicas' dispatchers now race for the same due retries.
        logs = [await settled(second, event) for event in events]
    for log in logs:
        assert log[EMAIL].status is DeliveryStatus.SENT
        assert len(await mail_for(sinks, log[EMAIL].id)) == 1
        assert len(await sms_for(sinks, log[SMS].id)) == 1
