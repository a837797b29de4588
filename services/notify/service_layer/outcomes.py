"""The events and dead letters a delivery's outcome causes, as records for the outbox."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.notify.domain.delivery import Delivery
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.notify import NotificationFailed, NotificationSent
from shared.kafka.deadletter import dlq_topic
from shared.kafka.records import OutboundRecord, cloudevent_headers, record_for

# The dlq_reason header is kept short: tools show it in one line.
MAX_REASON_CHARS = 1000
# What notify publishes about its messages.
OUTCOME_TOPICS = ("notification-sent", "notification-failed")


class OutcomeEvents:
    """Builds the records of outcomes; dead letters carry the same ``dlq_*`` headers as the
    consumer runner's (real topic and group names), so one tool reads both kinds.
    """

    def __init__(self, real_topic: Callable[[str], str], group: str) -> None:
        self._real_topic = real_topic
        self._group = group

    def sent(self, delivery: Delivery, now: datetime) -> list[OutboundRecord]:
        event = new_event(NotificationSent(**_outcome(delivery), sent_at=now), time=now)
        return [record_for(event)]

    def failed(
        self,
        delivery: Delivery,
        error: str,
        trigger_value: str | None,
        now: datetime,
        *,
        rendered: bool = True,
    ) -> list[OutboundRecord]:
        """``notification-failed`` and the triggering event parked on its dead-letter topic.

        A message that could not even be rendered never reached a provider: it is our defect, not
        a delivery outcome, so it is dead-lettered without ``notification-failed``. Without the
        triggering event (its message expired before an officer's resend died) there is nothing
        to park.
        """
        records = []
        if rendered:
            failed = NotificationFailed(**_outcome(delivery), error=error[:2000], failed_at=now)
            records.append(record_for(new_event(failed, time=now)))
        if trigger_value is not None:
            records.append(self.dead_letter(delivery, error, trigger_value))
        return records

    def dead_letter(self, delivery: Delivery, error: str, trigger_value: str) -> OutboundRecord:
        """The triggering event as it came, with the reason in ``dlq_*`` headers."""
        spec = CATALOGUE.by_type(delivery.trigger_event_type)
        source = spec.source if spec is not None else ""
        reason = f"{delivery.channel} not delivered: {error}"[:MAX_REASON_CHARS]
        event_id = str(delivery.trigger_event_id)
        headers = [
            *cloudevent_headers(event_id, delivery.trigger_event_type, source),
            ("dlq_reason", reason.encode()),
            ("dlq_original_topic", self._real_topic(delivery.trigger_topic).encode()),
            ("dlq_consumer_group", self._group.encode()),
            ("dlq_attempts", str(max(delivery.attempts, 1)).encode()),
            ("dlq_exception_type", b"NotificationNotDelivered"),
            ("dlq_channel", str(delivery.channel).encode()),
        ]
        return OutboundRecord(
            topic=dlq_topic(delivery.trigger_topic),
            key=delivery.case_code,
            value=trigger_value.encode(),
            headers=headers,
        )


def _outcome(delivery: Delivery) -> dict[str, Any]:
    return {
        "case_code": delivery.case_code,
        "trigger_event_id": delivery.trigger_event_id,
        "trigger_event_type": delivery.trigger_event_type,
        "channel": delivery.channel,
        "recipient": delivery.recipient_masked or "(none)",
        "attempts": max(delivery.attempts, 1),
        "segments": delivery.segments,
    }
