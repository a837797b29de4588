"""Statuses 3 and 7 reach the citizen: case-refused and case-withdrawn on the real broker and
store, each an SMS and an e-mail received by the real SMTP and HTTP sinks.

The notify service and its sinks are the fixtures of ``test_notify_service`` (imported, so this
module runs them on its own database and topics).
"""

from typing import Any

import pytest

from devstack.sinks.running import RunningSinks
from services.notify.bootstrap import NotifyContainer
from services.notify.domain.delivery import DeliveryStatus
from services.notify.settings import NotifySettings
from shared.events.codec import new_event
from shared.events.decisions import CaseResolved, CaseWithdrawn
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseRefused
from shared.events.values import NotificationChannel, ResultDelivery
from shared.kafka import EventProducer
from tests.integration import test_notify_service as base
from tests.integration.test_notify_service import mail_for, settled, sms_for
from tests.polling import eventually

pytestmark = pytest.mark.integration

# The notify service's fixtures, under the names the tests ask for.
sinks, notify_settings, service, producer = (
    base.sinks,
    base.notify_settings,
    base.service,
    base.producer,
)

SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL


def event_of(data_type: type[Any], case_code: str, **changes: Any) -> Envelope[Any]:
    return new_event(EXAMPLES[data_type].model_copy(update={"case_code": case_code, **changes}))


async def sent(
    service: NotifyContainer, sinks: RunningSinks, event: Envelope[Any]
) -> tuple[str, str, str]:
    """The SMS text, the e-mail's subject and its plain text, as the sinks received them."""
    log = await settled(service, event)
    assert {d.status for d in log.values()} == {DeliveryStatus.SENT}
    [sms] = await eventually(lambda: sms_for(sinks, log[SMS].id), what="the SMS")
    [mail] = await eventually(lambda: mail_for(sinks, log[EMAIL].id), what="the e-mail")
    assert sms["to"] == "+84912345678" and mail["To"] == "hoa.nguyen@example.vn"
    plain = mail.get_body(preferencelist=("plain",))
    assert plain is not None
    return sms["text"], str(mail["Subject"]), plain.get_content()


async def test_a_refused_online_dossier_is_told_why_by_sms_and_e_mail(
    service: NotifyContainer,
    producer: EventProducer,
    sinks: RunningSinks,
    notify_settings: NotifySettings,
) -> None:
    event = event_of(CaseRefused, "SNV.NA-250714-0301")
    await producer.publish(event)
    sms, subject, text = await sent(service, sinks, event)
    link = f"{notify_settings.lookup_url}?ma=SNV.NA-250714-0301"
    assert sms == f"Hồ sơ không được tiếp nhận ngày 14/07/2025, xem lý do: {link}"
    assert subject == "Hồ sơ SNV.NA-250714-0301 không được tiếp nhận"
    assert "- Thủ tục không thuộc thẩm quyền giải quyết của Sở Nội vụ\n" in text
    assert "nộp tại cơ quan có thẩm quyền" in text


async def test_a_withdrawal_is_confirmed_by_sms_and_e_mail(
    service: NotifyContainer,
    producer: EventProducer,
    sinks: RunningSinks,
    notify_settings: NotifySettings,
) -> None:
    event = event_of(CaseWithdrawn, "SNV.NA-250714-0302")
    await producer.publish(event)
    sms, subject, text = await sent(service, sinks, event)
    link = f"{notify_settings.lookup_url}?ma=SNV.NA-250714-0302"
    assert sms == f"Đã ghi nhận việc rút hồ sơ ngày 16/07/2025. {link}"
    assert subject == "Đã ghi nhận việc rút hồ sơ SNV.NA-250714-0302"
    assert "(văn bản đề nghị ngày 16/07/2025)" in text
    assert "Lý do: Gia đình đã nộp hồ sơ tại nơi cư trú mới" in text


async def test_a_result_sent_by_post_is_said_so(
    service: NotifyContainer, producer: EventProducer, sinks: RunningSinks
) -> None:
    event = event_of(CaseResolved, "SNV.NA-250714-0303", result_delivery=ResultDelivery.POSTAL)
    await producer.publish(event)
    sms, _, text = await sent(service, sinks, event)
    assert "kết quả gửi bưu điện." in sms
    assert "Kết quả được gửi đến ông/bà qua dịch vụ bưu chính." in text
