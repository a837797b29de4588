"""The reporting consumer: every catalogue topic, each event applied in the shared unit of work."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.reporting.service_layer.read_models import ReadModels
from shared.events.catalogue import CATALOGUE
from shared.kafka import EventConsumer, EventProducer, Subscriptions, ensure_topics
from shared.settings import ServiceSettings


def subscriptions(read_models: ReadModels) -> Subscriptions:
    # Reports read every fact of a case, so one handler takes every topic.
    return Subscriptions(dict.fromkeys(CATALOGUE.topics, read_models.handle))


@asynccontextmanager
async def event_consumer(
    settings: ServiceSettings, read_models: ReadModels, producer: EventProducer
) -> AsyncIterator[EventConsumer]:
    """Topics ensured, then consuming (group = service name) until the block ends."""
    await ensure_topics(settings, CATALOGUE.topics)
    consumer = EventConsumer(settings, subscriptions(read_models), read_models.uow, producer)
    async with consumer:
        yield consumer
