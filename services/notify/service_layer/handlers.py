"""Handlers of the milestone events: they plan the messages, the dispatcher sends them.

A handler runs inside the consumer's unit of work, which may run it several times: it only reads
and buffers writes (one log entry per channel, the message to send, the events of what could not
be planned). Sending is a side effect no transaction can undo, so it happens after the commit, in
the dispatcher.
"""

from datetime import datetime
from typing import Any

from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.channels import (
    ZALO,
    address_kind,
    channels_for,
    sms_stands_by,
)
from services.notify.domain.contacts import redact
from services.notify.domain.delivery import DeliveryStatus
from services.notify.domain.milestones import MILESTONE_TEMPLATES, Receipt, receipt_of
from services.notify.domain.privacy import DeliveryKeys
from services.notify.domain.senders import SenderNames
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.service_layer.planning import (
    Identity,
    Plan,
    Retention,
    plan_delivery,
    with_fallback,
)
from services.notify.service_layer.ports import PlannedLog, Receipts
from shared.events.catalogue import CATALOGUE
from shared.events.codec import encode
from shared.events.envelope import Envelope
from shared.events.intake import PhoneChannel
from shared.events.values import NotificationChannel
from shared.kafka import Subscriptions
from shared.kafka.retry import PermanentFailure
from shared.mongo import Transaction


class Notifier:
    def __init__(
        self,
        deliveries: PlannedLog,
        renderer: TemplateRenderer,
        outcomes: OutcomeEvents,
        retention: Retention,
        identity: Identity | None = None,
        receipts: Receipts | None = None,
    ) -> None:
        self._log = deliveries
        self._renderer = renderer
        self._outcomes = outcomes
        self._retention = retention
        # Without one (tests): the development key, and every SMS under the gateway's default.
        self._identity = identity or Identity(DeliveryKeys.development(), SenderNames())
        # Without one, a case's later events go by SMS to a person whatever its receipt said.
        self._receipts = receipts

    def subscriptions(self) -> Subscriptions:
        """The handler of each topic this service consumes."""
        return Subscriptions(dict.fromkeys(MILESTONE_TEMPLATES, self.on_milestone))

    async def on_milestone(self, tx: Transaction, event: Envelope[Any]) -> None:
        spec = CATALOGUE.by_type(event.type)
        if spec is None or spec.topic not in MILESTONE_TEMPLATES:
            raise PermanentFailure(f"{event.type} is not a milestone this service notifies")
        receipt = await self._receipt(tx, event)
        plans = self._plans(event, spec.topic, tx.now, receipt)
        plans = self._linked(await self._without_opt_outs(tx, plans), receipt.phone_channels)
        for plan in plans:
            self._log.add(tx, plan.delivery, plan.message)
            if plan.delivery.status is DeliveryStatus.FAILED:
                # Never sendable: said at once, with the event parked on its dead-letter topic.
                reason = plan.delivery.reason or ""
                records = self._outcomes.failed(
                    plan.delivery, reason, encode(event).decode(), tx.now, rendered=plan.rendered
                )
                tx.publish_records(*records)

    async def _receipt(self, tx: Transaction, event: Envelope[Any]) -> Receipt:
        """What the case's receipt said (phone channels, a person or an organisation), remembered
        for the case's later events, which do not say it; SMS to a person for a case received
        before either was said, or whose receipt notify did not see (a refused online dossier)."""
        receipts, told = self._receipts, receipt_of(event.data)
        if told is not None:
            if receipts is not None:
                until = tx.now + self._retention.log
                receipts.remember_receipt(tx, event.subject, told, until)
            return told
        remembered = await receipts.receipt(tx, event.subject) if receipts else None
        return remembered or Receipt()

    def _plans(
        self, event: Envelope[Any], topic: str, now: datetime, receipt: Receipt
    ) -> list[Plan]:
        """One plan per channel. A value no message can be made of (a date out of any range:
        rendering copes with those, but nothing may crash the consumer) parks the event on its
        dead-letter topic at once, with the reason: retrying would fail alike."""
        try:
            return [
                plan_delivery(
                    event,
                    topic,
                    MILESTONE_TEMPLATES[topic],
                    channel,
                    renderer=self._renderer,
                    now=now,
                    retention=self._retention,
                    identity=self._identity,
                    applicant_kind=receipt.applicant_kind,
                )
                for channel in channels_for(receipt.phone_channels)
            ]
        except (ArithmeticError, ValueError) as exc:
            reason = redact(f"the event's values cannot be handled: {type(exc).__name__}: {exc}")
            raise PermanentFailure(reason) from exc

    async def _without_opt_outs(self, tx: Transaction, plans: list[Plan]) -> list[Plan]:
        """An SMS opt-out covers Zalo too: both reach the same phone number."""
        wanted = {p.delivery.id: _opt_out_key(p) for p in plans}
        refused = await self._log.opted_out(tx, [key for key in wanted.values() if key])
        return [p.opted_out() if wanted[p.delivery.id] in refused else p for p in plans]

    @staticmethod
    def _linked(plans: list[Plan], phone: list[PhoneChannel]) -> list[Plan]:
        """With Zalo instead of SMS, the SMS (planned right after it) stands by for it."""
        if plans[0].delivery.channel is not ZALO or not sms_stands_by(phone):
            return plans
        zalo, sms, *others = plans
        return [*with_fallback(zalo, sms), *others]


def _opt_out_key(plan: Plan) -> tuple[NotificationChannel, str] | None:
    if plan.message is None:
        return None
    return address_kind(plan.delivery.channel), plan.message.recipient
