"""Deciding, for one event and channel, what goes in the delivery log: a message, or why none."""

from datetime import datetime

from services.notify.adapters.templates import RenderError, TemplateRenderer
from services.notify.domain.contacts import InvalidContact, address_of, normalise
from services.notify.domain.delivery import Delivery, DeliveryStatus, delivery_id
from services.notify.domain.milestones import applicant_of, message_context
from shared.events.envelope import Envelope
from shared.events.values import NotificationChannel

NO_ADDRESS = {
    NotificationChannel.SMS: "no phone number given",
    NotificationChannel.EMAIL: "no e-mail address given",
}
OPTED_OUT = "the recipient opted out"


def plan_delivery(
    event: Envelope,
    topic: str,
    template: str,
    channel: NotificationChannel,
    *,
    renderer: TemplateRenderer,
    now: datetime,
    not_before: datetime,
) -> Delivery:
    """A pending entry with its rendered message (due at ``not_before``), or a skipped or
    failed one with the reason. Opt-outs are the caller's to apply (``opted_out``)."""

    def entry(status: DeliveryStatus, recipient: str | None, **fields: object) -> Delivery:
        return Delivery.model_validate(
            {
                "id": delivery_id(event.subject, event.id, channel),
                "case_code": event.subject,
                "trigger_event_id": event.id,
                "trigger_event_type": event.type,
                "trigger_topic": topic,
                "channel": channel,
                "recipient": recipient,
                "status": status,
                "created_at": now,
                "updated_at": now,
                **fields,
            }
        )

    written = address_of(applicant_of(event), channel)
    if not written:
        return entry(DeliveryStatus.SKIPPED, None, reason=NO_ADDRESS[channel])
    context = message_context(event)
    try:
        content = (
            {"sms": renderer.sms(template, context)}
            if channel is NotificationChannel.SMS
            else {"email": renderer.email(template, context)}
        )
    except RenderError as exc:
        return entry(DeliveryStatus.FAILED, written, reason=exc.reason)
    try:
        address = normalise(channel, written)
    except InvalidContact as exc:
        return entry(DeliveryStatus.FAILED, written, reason=exc.reason, **content)
    return entry(DeliveryStatus.PENDING, address, next_attempt_at=not_before, **content)


def opted_out(delivery: Delivery) -> Delivery:
    """The pending ``delivery`` skipped, because its recipient asked for no more messages."""
    return delivery.model_copy(
        update={
            "status": DeliveryStatus.SKIPPED,
            "reason": OPTED_OUT,
            "next_attempt_at": None,
            "sms": None,
            "email": None,
        }
    )
