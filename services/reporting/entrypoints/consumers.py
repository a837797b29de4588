"""The reporting consumer: every catalogue topic, each event applied in the shared unit of work."""

from services.reporting.service_layer.read_models import ReadModels
from shared.events.catalogue import CATALOGUE
from shared.kafka import EventConsumer, EventProducer, Subscriptions
from shared.settings import ServiceSettings


def subscriptions(read_models: ReadModels) -> Subscriptions:
    # Reports read every fact of a case, so one handler takes every topic.
    return Subscriptions(dict.fromkeys(CATALOGUE.topics, read_models.handle))


def event_consumer(
    settings: ServiceSettings, read_models: ReadModels, producer: EventProducer
) -> EventConsumer:
    """Consumes every catalogue topic (group = service name)."""
    return EventConsumer(settings, subscriptions(read_models), read_models.uow, producer)
