"""Wires the notify service: its settings in, the dependencies its entrypoints use out."""

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address
from typing import TypeVar

import httpx
from pymongo.asynchronous.database import AsyncDatabase

import shared.audit
import shared.mongo.transaction
import shared.outbox
from services.notify.adapters import delivery_log
from services.notify.adapters.delivery_log import MongoDeliveryLog
from services.notify.adapters.optouts import MongoOptOuts
from services.notify.adapters.sms_gateway import HttpSmsGateway
from services.notify.adapters.smtp import SmtpSender
from services.notify.adapters.templates import TemplateRenderer
from services.notify.adapters.zalo_oauth import ZaloOaTokens
from services.notify.adapters.zns import HttpZnsSender
from services.notify.adapters.zns_templates import load_zns_templates
from services.notify.domain.delivery import RetryPolicy
from services.notify.domain.milestones import MILESTONE_TEMPLATES
from services.notify.domain.privacy import DeliveryKeys
from services.notify.domain.senders import SenderNames
from services.notify.entrypoints.consumers import notify_consumer
from services.notify.service_layer.dispatch import Dispatcher, Lanes, MailIdentity
from services.notify.service_layer.handlers import Notifier
from services.notify.service_layer.outcomes import OUTCOME_TOPICS, OutcomeEvents
from services.notify.service_layer.planning import Identity, Retention
from services.notify.settings import NotifySettings
from shared.clock import Clock, SystemClock
from shared.http.container import ServiceContainer, open_container
from shared.kafka import ensure_topics
from shared.mongo import Document, UnitOfWork, ensure_indexes
from shared.outbox import OutboxRelay

T = TypeVar("T")
INDEXES = [
    *delivery_log.INDEXES,
    *shared.outbox.INDEXES,
    *shared.mongo.transaction.INDEXES,
    *shared.audit.INDEXES,
]


@dataclass(frozen=True)
class NotifyContainer(ServiceContainer[NotifySettings]):
    deliveries: MongoDeliveryLog
    optouts: MongoOptOuts
    dispatcher: Dispatcher
    notifier: Notifier
    relay: OutboxRelay
    uow: UnitOfWork
    clock: Clock
    # Agencies' brandnames and the key of the log's hashes (look-ups by recipient).
    identity: Identity


@asynccontextmanager
async def bootstrap(
    settings: NotifySettings, *, clock: Clock | None = None
) -> AsyncIterator[NotifyContainer]:
    """Open the connections, then run the outbox relay, the dispatcher and the consumer."""
    clock = clock or SystemClock()
    async with AsyncExitStack() as stack:
        base = await stack.enter_async_context(open_container(settings))
        await ensure_indexes(base.db, INDEXES)
        relay = OutboxRelay(base.db, base.producer, settings)
        uow = UnitOfWork(base.db, clock=clock, committed=relay.wake)
        deliveries = MongoDeliveryLog(base.db, uow)
        outcomes = OutcomeEvents(settings.topic, settings.topic(settings.service_name))
        dispatcher = dispatcher_for(stack, settings, base.db, deliveries, outcomes, clock)
        rules = identity(settings)
        notifier = Notifier(
            deliveries,
            template_renderer(settings),
            outcomes,
            retention(settings),
            rules,
            receipts=deliveries,
        )

        def planned() -> None:
            # The consumer's units plan deliveries: the dispatcher need not wait for its poll.
            relay.wake()
            dispatcher.wake()

        consumer_uow = UnitOfWork(base.db, clock=clock, committed=planned)
        await ensure_topics(settings, notifier.subscriptions().topics)
        await ensure_topics(settings, OUTCOME_TOPICS, with_dead_letters=False)
        workers = base.workers
        workers.add("outbox relay", lambda: relay)
        workers.add("audit linker", lambda: shared.audit.AuditLinker(base.db))
        workers.add("dispatcher", lambda: dispatcher)
        workers.add(
            "consumer", lambda: notify_consumer(settings, notifier, consumer_uow, base.producer)
        )
        yield NotifyContainer(
            base,
            deliveries,
            MongoOptOuts(base.db, uow),
            dispatcher,
            notifier,
            relay,
            uow,
            clock,
            rules,
        )


def template_renderer(settings: NotifySettings) -> TemplateRenderer:
    """The renderer of the template files, with what they may say about the office. Raises
    ``ZnsTemplatesError`` (the service does not start) when an event it notifies has no ZNS
    template."""
    zns = load_zns_templates(settings.zns_templates_file, MILESTONE_TEMPLATES.values())
    return TemplateRenderer(
        settings.sms_mode,
        {"office_name": settings.office_name, "lookup_url": settings.lookup_url},
        zns=zns,
    )


def retention(settings: NotifySettings) -> Retention:
    return Retention(
        log=timedelta(days=settings.notify_log_retention_days),
        message=timedelta(days=settings.notify_message_retention_days),
    )


def identity(settings: NotifySettings) -> Identity:
    return Identity(
        DeliveryKeys(settings.notify_hash_key.get_secret_value()), SenderNames(settings.sms_senders)
    )


def zns_sender(
    settings: NotifySettings, db: AsyncDatabase[Document], clock: Clock
) -> HttpZnsSender:
    """ZNS with the OA token of the settings, or refreshed by the service when it has the app's
    credentials."""
    if not settings.zns_refreshes:
        return HttpZnsSender(settings)
    client = httpx.AsyncClient(timeout=settings.zns_timeout_s)
    return HttpZnsSender(settings, ZaloOaTokens(db, settings, clock, client), client)


def dispatcher_for(
    stack: AsyncExitStack,
    settings: NotifySettings,
    db: AsyncDatabase[Document],
    deliveries: MongoDeliveryLog,
    outcomes: OutcomeEvents,
    clock: Clock,
) -> Dispatcher:
    """A dispatcher with its own providers (closed with the stack) and its own owner name."""
    email, sms = SmtpSender(settings), HttpSmsGateway(settings)
    zns = zns_sender(settings, db, clock)
    for provider in (email, sms, zns):
        stack.push_async_callback(provider.close)
    return Dispatcher(
        deliveries,
        email,
        sms,
        zns=zns,
        lanes=Lanes(
            owner=f"{settings.service_name}-{uuid.uuid4()}",
            lease=timedelta(seconds=settings.notify_claim_lease_s),
            concurrency=settings.notify_dispatch_concurrency,
            poll_interval_s=settings.notify_poll_interval_s,
        ),
        policy=RetryPolicy(
            settings.notify_max_attempts,
            settings.notify_backoff_initial_s,
            settings.notify_backoff_max_s,
        ),
        mail=MailIdentity(
            Address(settings.mail_from_name, addr_spec=settings.mail_from_address),
            settings.mail_message_id_domain,
        ),
        outcomes=outcomes,
        clock=clock,
    )
