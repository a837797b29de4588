"""The reporting consumer: every catalogue topic, each batch applied in the shared unit of work."""

from typing import Any

from services.reporting.adapters.portal_store import MongoPortalBook
from services.reporting.service_layer.portal_sync import keep_for_portal
from services.reporting.service_layer.read_models import ReadModels
from shared.clock import Clock
from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope
from shared.kafka import EventConsumer, EventProducer, Subscriptions
from shared.mongo import Transaction, UnitOfWork
from shared.settings import ServiceSettings


def subscriptions(read_models: ReadModels, clock: Clock) -> Subscriptions:
    # Reports read every fact of a case, so one handler takes every topic: the read models and
    # the national portal's record of the case, in the same unit of work, a batch at a time.
    async def handle(tx: Transaction, events: list[Envelope[Any]]) -> None:
        await read_models.handle(tx, events)
        portal = MongoPortalBook(tx)
        for event in events:
            await keep_for_portal(portal, event, clock)

    return Subscriptions({}, batches=dict.fromkeys(CATALOGUE.topics, handle))


def event_consumer(
    settings: ServiceSettings,
    read_models: ReadModels,
    producer: EventProducer,
    *,
    clock: Clock,
    uow: UnitOfWork,
) -> EventConsumer:
    """Consumes every catalogue topic (group = service name)."""
    return EventConsumer(settings, subscriptions(read_models, clock), uow, producer)
