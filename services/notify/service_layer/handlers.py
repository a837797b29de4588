"""Handlers of the milestone events: they plan the messages, the dispatcher sends them.

A handler runs inside the consumer's unit of work, which may run it several times: it only reads
and buffers writes (one log entry per channel, the message to send, the events of what could not
be planned). Sending is a side effect no transaction can undo, so it happens after the commit, in
the dispatcher.
"""

from datetime import datetime
from typing import Any

from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.contacts import redact
from services.notify.domain.delivery import DeliveryStatus
from services.notify.domain.milestones import MILESTONE_TEMPLATES
from services.notify.domain.privacy import DeliveryKeys
from services.notify.domain.senders import SenderNames
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.service_layer.planning import Identity, Plan, Retention, plan_delivery
from services.notify.service_layer.ports import PlannedLog
from shared.events.catalogue import CATALOGUE
from shared.events.codec import encode
from shared.events.envelope import Envelope
from shared.events.values import NotificationChannel
from shared.kafka import Subscriptions
from shared.kafka.retry import PermanentFailure
from shared.mongo import Transaction

CHANNELS = (NotificationChannel.SMS, NotificationChannel.EMAIL)


class Notifier:
    def __init__(
        self,
        deliveries: PlannedLog,
        renderer: TemplateRenderer,
        outcomes: OutcomeEvents,
        retention: Retention,
        identity: Identity | None = None,
    ) -> None:
        self._log = deliveries
        self._renderer = renderer
        self._outcomes = outcomes
        self._retention = retention
        # Without one (tests): the development key, and every SMS under the gateway's default.
        self._identity = identity or Identity(DeliveryKeys.development(), SenderNames())

    def subscriptions(self) -> Subscriptions:
        """The handler of each topic this service consumes."""
        return Subscriptions(dict.fromkeys(MILESTONE_TEMPLATES, self.on_milestone))

    async def on_milestone(self, tx: Transaction, event: Envelope[Any]) -> None:
        spec = CATALOGUE.by_type(event.type)
        if spec is None or spec.topic not in MILESTONE_TEMPLATES:
            raise PermanentFailure(f"{event.type} is not a milestone this service notifies")
        plans = await self._without_opt_outs(tx, self._plans(event, spec.topic, tx.now))
        for plan in plans:
            self._log.add(tx, plan.delivery, plan.message)
            if plan.delivery.status is DeliveryStatus.FAILED:
                # Never sendable: said at once, with the event parked on its dead-letter topic.
                reason = plan.delivery.reason or ""
                records = self._outcomes.failed(
                    plan.delivery, reason, encode(event).decode(), tx.now, rendered=plan.rendered
                )
                tx.publish_records(*records)

    def _plans(self, event: Envelope[Any], topic: str, now: datetime) -> list[Plan]:
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
                )
                for channel in CHANNELS
            ]
        except (ArithmeticError, ValueError) as exc:
            reason = redact(f"the event's values cannot be handled: {type(exc).__name__}: {exc}")
            raise PermanentFailure(reason) from exc

    async def _without_opt_outs(self, tx: Transaction, plans: list[Plan]) -> list[Plan]:
        wanted = [(p.delivery.channel, p.message.recipient) for p in plans if p.message]
        refused = await self._log.opted_out(tx, wanted)
        return [
            p.opted_out()
            if p.message and (p.delivery.channel, p.message.recipient) in refused
            else p
            for p in plans
        ]
