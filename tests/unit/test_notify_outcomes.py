"""What an outcome publishes: notification events and dead letters, as outbox records."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.notify.domain.delivery import Delivery, DeliveryStatus
from services.notify.service_layer.outcomes import OutcomeEvents
from shared.events.codec import decode

pytestmark = pytest.mark.unit

NOW = datetime(2025, 7, 14, 3, 0, tzinfo=UTC)
OUTCOMES = OutcomeEvents(lambda topic: f"prod.{topic}", "prod.notify")


def dead_sms(**changes: object) -> Delivery:
    base = Delivery(
        id="d-1",
        case_code="SNV.NA-250714-0007",
        trigger_event_id=uuid4(),
        trigger_event_type="vn.onestop.case-submitted.v1",
        trigger_topic="case-submitted",
        channel="sms",
        template="case-submitted",
        params_hash="ab" * 32,
        recipient_masked="+8491*****78",
        status=DeliveryStatus.DEAD,
        attempts=6,
        segments=1,
        created_at=NOW,
        updated_at=NOW,
        expires_at=NOW + timedelta(days=365),
    )
    return base.model_copy(update=changes)


def test_a_dead_message_publishes_notification_failed_and_parks_its_event() -> None:
    failed, dead = OUTCOMES.failed(dead_sms(), "503", '{"x":1}', NOW)
    event = decode(failed.value, topic="notification-failed")
    assert (event.data.attempts, event.data.segments, event.data.error) == (6, 1, "503")
    assert event.data.recipient == "+8491*****78"
    assert dead.topic == "case-submitted.dlq"
    assert dead.value == b'{"x":1}'
    headers = dict(dead.headers)
    assert headers["dlq_reason"] == b"sms not delivered: 503"
    assert headers["dlq_original_topic"] == b"prod.case-submitted"
    assert headers["dlq_consumer_group"] == b"prod.notify"
    assert headers["dlq_channel"] == b"sms"
    assert headers["ce_type"] == b"vn.onestop.case-submitted.v1"


def test_a_message_never_rendered_is_only_dead_lettered() -> None:
    broken = dead_sms(status=DeliveryStatus.FAILED, attempts=0)
    [dead] = OUTCOMES.failed(broken, "template broke", "{}", NOW, rendered=False)
    assert dead.topic == "case-submitted.dlq"


def test_without_the_triggering_event_only_notification_failed_goes_out() -> None:
    [failed] = OUTCOMES.failed(dead_sms(), "content expired", None, NOW)
    assert failed.topic == "notification-failed"


def test_a_sent_message_publishes_notification_sent() -> None:
    [sent] = OUTCOMES.sent(dead_sms(status=DeliveryStatus.SENT, attempts=2), NOW)
    event = decode(sent.value, topic="notification-sent")
    assert (event.data.channel, event.data.attempts, event.data.sent_at) == ("sms", 2, NOW)
