"""The reporting consumer: every catalogue topic, through the shared consumer runner."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.reporting.service_layer.read_models import ReadModels
from shared.events.catalogue import CATALOGUE
from shared.kafka.admin import ensure_topics
from shared.kafka.consumer import EventConsumer
from shared.kafka.producer import EventProducer
from shared.settings import ServiceSettings


@asynccontextmanager
async def event_consumer(
    settings: ServiceSettings, read_models: ReadModels, producer: EventProducer
) -> AsyncIterator[EventConsumer]:
    """Topics ensured, then consuming (group = service name) until the block ends."""
    await ensure_topics(settings, CATALOGUE.topics)
    handler = read_models.handle
    async with EventConsumer(settings, CATALOGUE.topics, handler, producer) as consumer:
        yield consumer
