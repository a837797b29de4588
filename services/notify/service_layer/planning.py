"""Deciding, for one event and channel, what goes in the delivery log: a message, or why none."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from services.notify.adapters.templates import RenderError, TemplateRenderer
from services.notify.domain.channels import ZALO, Channel, address_kind
from services.notify.domain.contacts import InvalidContact, address_of, mask, normalise
from services.notify.domain.delivery import Delivery, DeliveryStatus, Message, delivery_id
from services.notify.domain.messages import EmailContent, SmsContent, ZnsContent
from services.notify.domain.milestones import agency_of, applicant_of, message_context
from services.notify.domain.privacy import DeliveryKeys
from services.notify.domain.senders import SenderNames
from shared.events.codec import encode
from shared.events.envelope import Envelope
from shared.events.values import ApplicantKind, NotificationChannel

NO_ADDRESS = {
    NotificationChannel.SMS: "no phone number given",
    NotificationChannel.EMAIL: "no e-mail address given",
}
OPTED_OUT = "the recipient opted out"
STANDING_BY = "goes only if the Zalo message cannot be delivered"


@dataclass(frozen=True)
class Retention:
    """How long the log keeps an entry, and how long the personal data to send it is kept."""

    log: timedelta
    message: timedelta


@dataclass(frozen=True)
class Identity:
    """Who messages come from (agencies' SMS brandnames) and the keys of the log's hashes."""

    keys: DeliveryKeys
    senders: SenderNames


@dataclass(frozen=True)
class Plan:
    """A log entry and, when there is something to send, the message; ``rendered`` is False when
    the templates failed (our defect: no ``notification-failed``, only a dead letter)."""

    delivery: Delivery
    message: Message | None
    rendered: bool = True

    def opted_out(self) -> "Plan":
        """This plan skipped, because its recipient asked for no more messages."""
        skipped = self.delivery.model_copy(
            update={"status": DeliveryStatus.SKIPPED, "reason": OPTED_OUT, "due_at": None}
        )
        return replace(self, delivery=skipped, message=None)

    def pending(self) -> bool:
        return self.delivery.status is DeliveryStatus.PENDING


def with_fallback(first: Plan, standby: Plan) -> tuple[Plan, Plan]:
    """``standby`` held back (not due) until ``first`` dies, which then releases it; as they
    were unless both are to be sent."""
    if not (first.pending() and standby.pending()):
        return first, standby
    held = standby.delivery.model_copy(
        update={"status": DeliveryStatus.STANDBY, "reason": STANDING_BY, "due_at": None}
    )
    leading = first.delivery.model_copy(update={"fallback": standby.delivery.id})
    return replace(first, delivery=leading), replace(standby, delivery=held)


def plan_delivery(
    event: Envelope[Any],
    topic: str,
    template: str,
    channel: Channel,
    *,
    renderer: TemplateRenderer,
    now: datetime,
    retention: Retention,
    identity: Identity,
    applicant_kind: ApplicantKind = ApplicantKind.INDIVIDUAL,
) -> Plan:
    """A pending entry with its message (due now), or a skipped or failed one with the reason.
    ``applicant_kind`` is the one the case's receipt said, for events that do not say it.
    Opt-outs are the caller's to apply (``Plan.opted_out``)."""
    trigger = encode(event).decode()
    keys, kind = identity.keys, address_kind(channel)

    def entry(status: DeliveryStatus, written: str | None, **fields: object) -> Delivery:
        hashed = keys.recipient(kind, _key_form(kind, written)) if written else None
        return Delivery.model_validate(
            {
                "id": delivery_id(event.subject, event.id, channel),
                "case_code": event.subject,
                "trigger_event_id": event.id,
                "trigger_event_type": event.type,
                "trigger_topic": topic,
                "channel": channel,
                "template": template,
                # The event's data: what the templates draw on, besides the kind the receipt said.
                "params_hash": keys.parameters(event.data.model_dump_json()),
                "recipient_masked": mask(kind, written) if written else None,
                "recipient_hash": hashed,
                "status": status,
                "created_at": now,
                "updated_at": now,
                "expires_at": now + retention.log,
                **fields,
            }
        )

    written = address_of(applicant_of(event), kind)
    if not written:
        return Plan(entry(DeliveryStatus.SKIPPED, None, reason=NO_ADDRESS[kind]), None)
    try:
        content = _render(renderer, template, channel, message_context(event, applicant_kind))
    except RenderError as exc:
        return Plan(entry(DeliveryStatus.FAILED, written, reason=exc.reason), None, rendered=False)
    if isinstance(content, SmsContent):
        sender = identity.senders.for_agency(agency_of(event))
        content = content.model_copy(update={"sender": sender})
    segments = content.segments if isinstance(content, SmsContent) else None
    try:
        address = normalise(kind, written)
    except InvalidContact as exc:
        failed = entry(DeliveryStatus.FAILED, written, reason=exc.reason, segments=segments)
        return Plan(failed, None)
    delivery = entry(DeliveryStatus.PENDING, address, due_at=now, segments=segments)
    message = Message(
        id=delivery.id,
        recipient=address,
        sms=content if isinstance(content, SmsContent) else None,
        email=content if isinstance(content, EmailContent) else None,
        zns=content if isinstance(content, ZnsContent) else None,
        trigger_value=trigger,
        expires_at=now + retention.message,
    )
    return Plan(delivery, message)


def _key_form(channel: NotificationChannel, written: str) -> str:
    """The address as look-ups will give it: normalised, or as written when it is not valid."""
    try:
        return normalise(channel, written)
    except InvalidContact:
        return written.strip()


def _render(
    renderer: TemplateRenderer, template: str, channel: Channel, context: dict[str, Any]
) -> SmsContent | EmailContent | ZnsContent:
    if channel is ZALO:
        return renderer.zns(template, context)
    if channel is NotificationChannel.SMS:
        return renderer.sms(template, context)
    return renderer.email(template, context)
