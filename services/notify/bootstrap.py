"""Wires the notify service: its settings in, the dependencies its entrypoints use out."""

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address

from services.notify.adapters import delivery_log
from services.notify.adapters.delivery_log import MongoDeliveryLog
from services.notify.adapters.optouts import MongoOptOuts
from services.notify.adapters.sms_gateway import HttpSmsGateway
from services.notify.adapters.smtp import SmtpSender
from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.delivery import RetryPolicy
from services.notify.entrypoints.consumers import notify_consumer
from services.notify.service_layer.dispatch import Dispatcher, MailIdentity
from services.notify.service_layer.handlers import Notifier
from services.notify.service_layer.outcomes import OUTCOME_TOPICS, OutcomeEvents
from services.notify.service_layer.retries import RetryScheduler
from services.notify.settings import NotifySettings
from shared.clock import Clock, SystemClock
from shared.http.container import ServiceContainer, open_container
from shared.kafka import ensure_topics
from shared.mongo import ensure_indexes
from shared.outbox import OutboxRelay


@dataclass(frozen=True)
class NotifyContainer(ServiceContainer[NotifySettings]):
    deliveries: MongoDeliveryLog
    optouts: MongoOptOuts
    dispatcher: Dispatcher
    notifier: Notifier
    scheduler: RetryScheduler
    relay: OutboxRelay
    clock: Clock


@asynccontextmanager
async def bootstrap(
    settings: NotifySettings, *, clock: Clock | None = None
) -> AsyncIterator[NotifyContainer]:
    """Open the connections, then run the consumer, the retry scheduler and the outbox relay."""
    clock = clock or SystemClock()
    owner = f"{settings.service_name}-{uuid.uuid4()}"
    lease = timedelta(seconds=settings.notify_claim_lease_s)
    async with AsyncExitStack() as stack:
        base = await stack.enter_async_context(open_container(settings))
        await ensure_indexes(base.db, delivery_log.INDEXES)
        deliveries, optouts = MongoDeliveryLog(base.db), MongoOptOuts(base.db)
        relay = OutboxRelay([deliveries.collection], base.producer, settings, clock=clock)
        dispatcher = _dispatcher(stack, settings, deliveries, clock, relay)
        renderer = template_renderer(settings)
        notifier = Notifier(deliveries, optouts, renderer, dispatcher, clock=clock, lease=lease)
        scheduler = RetryScheduler(
            deliveries,
            dispatcher,
            clock=clock,
            owner=owner,
            lease=lease,
            poll_interval_s=settings.notify_poll_interval_s,
        )
        await ensure_topics(settings, notifier.handlers())
        await ensure_topics(settings, OUTCOME_TOPICS, with_dead_letters=False)
        await stack.enter_async_context(relay)
        await stack.enter_async_context(scheduler)
        await stack.enter_async_context(notify_consumer(settings, notifier, base.producer))
        yield NotifyContainer(
            base, deliveries, optouts, dispatcher, notifier, scheduler, relay, clock
        )


def template_renderer(settings: NotifySettings) -> TemplateRenderer:
    """The renderer of the template files, with what they may say about the office."""
    return TemplateRenderer(
        settings.sms_mode, {"office_name": settings.office_name, "lookup_url": settings.lookup_url}
    )


def _dispatcher(
    stack: AsyncExitStack,
    settings: NotifySettings,
    deliveries: MongoDeliveryLog,
    clock: Clock,
    relay: OutboxRelay,
) -> Dispatcher:
    """The providers (closed with the stack) and what an attempt's outcome publishes."""
    email, sms = SmtpSender(settings), HttpSmsGateway(settings)
    stack.push_async_callback(email.close)
    stack.push_async_callback(sms.close)
    return Dispatcher(
        deliveries,
        email,
        sms,
        policy=RetryPolicy(
            settings.notify_max_attempts,
            settings.notify_backoff_initial_s,
            settings.notify_backoff_max_s,
        ),
        mail=MailIdentity(
            Address(settings.mail_from_name, addr_spec=settings.mail_from_address),
            settings.mail_message_id_domain,
        ),
        outcomes=OutcomeEvents(settings.topic, settings.topic(settings.service_name)),
        clock=clock,
        events_stored=relay.wake,
    )
