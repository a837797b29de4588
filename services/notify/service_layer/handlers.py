"""Handlers of the milestone events: one message per event and channel, claimed before sending."""

import logging
from datetime import datetime, timedelta

from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.delivery import Delivery, DeliveryStatus
from services.notify.domain.milestones import MILESTONE_TEMPLATES
from services.notify.service_layer.dispatch import Dispatcher
from services.notify.service_layer.metrics import MESSAGES
from services.notify.service_layer.outcomes import Entry
from services.notify.service_layer.planning import opted_out, plan_delivery
from services.notify.service_layer.ports import DeliveryLog, OptOuts
from shared.clock import Clock
from shared.events.catalogue import CATALOGUE
from shared.events.codec import encode
from shared.events.envelope import Envelope
from shared.events.values import NotificationChannel
from shared.kafka.delivery import Handler

log = logging.getLogger(__name__)

CHANNELS = (NotificationChannel.SMS, NotificationChannel.EMAIL)


class Notifier:
    def __init__(
        self,
        deliveries: DeliveryLog,
        optouts: OptOuts,
        renderer: TemplateRenderer,
        dispatcher: Dispatcher,
        *,
        clock: Clock,
        lease: timedelta,
    ) -> None:
        self._log = deliveries
        self._optouts = optouts
        self._renderer = renderer
        self._dispatcher = dispatcher
        self._clock = clock
        self._lease = lease

    def handlers(self) -> dict[str, Handler]:
        """The handler of each topic this service consumes."""
        return dict.fromkeys(MILESTONE_TEMPLATES, self.on_milestone)

    async def on_milestone(self, event: Envelope) -> None:
        spec = CATALOGUE.by_type(event.type)
        if spec is None or spec.topic not in MILESTONE_TEMPLATES:
            raise ValueError(f"{event.type} is not a milestone this service notifies")
        now = self._clock.now()
        trigger = encode(event).decode()
        planned = await self._apply_opt_outs(
            [
                plan_delivery(
                    event,
                    spec.topic,
                    MILESTONE_TEMPLATES[spec.topic],
                    channel,
                    renderer=self._renderer,
                    now=now,
                    # Storing the entry claims its first attempt for this handler: the retry
                    # scheduler leaves it alone for a lease unless this replica dies meanwhile.
                    not_before=now + self._lease,
                )
                for channel in CHANNELS
            ]
        )
        entries = [(d, self._events_of(d, trigger, now)) for d in planned]
        added = await self._log.add_all(entries, trigger)
        for delivery, events in entries:
            if delivery.id not in added:
                log.info("%s message already in the log, not sent again", delivery.channel)
                MESSAGES.labels(channel=delivery.channel, outcome="duplicate").inc()
                continue
            self._report(delivery)
            if events:
                self._dispatcher.events_stored()
            if delivery.status is DeliveryStatus.PENDING:
                await self._dispatcher.attempt(delivery)

    async def _apply_opt_outs(self, planned: list[Delivery]) -> list[Delivery]:
        wanted = [(d.channel, d.recipient) for d in planned if d.status is DeliveryStatus.PENDING]
        refused = await self._optouts.opted_out([(ch, a) for ch, a in wanted if a is not None])
        return [opted_out(d) if (d.channel, d.recipient) in refused else d for d in planned]

    def _events_of(self, delivery: Delivery, trigger: str, now: datetime) -> list[Entry]:
        if delivery.status is not DeliveryStatus.FAILED:
            return []
        return self._dispatcher.outcomes.failed(delivery, delivery.reason or "", trigger, now)

    @staticmethod
    def _report(delivery: Delivery) -> None:
        if delivery.status in (DeliveryStatus.SKIPPED, DeliveryStatus.FAILED):
            MESSAGES.labels(channel=delivery.channel, outcome=delivery.status).inc()
        if delivery.status is DeliveryStatus.SKIPPED:
            log.info("%s message skipped: %s", delivery.channel, delivery.reason)
        elif delivery.status is DeliveryStatus.FAILED:
            log.error("%s message failed: %s", delivery.channel, delivery.reason)
