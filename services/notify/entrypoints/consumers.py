"""The Kafka side of notify: the milestone topics it consumes, each planned by the notifier."""

from services.notify.service_layer.handlers import Notifier
from shared.kafka import EventConsumer
from shared.kafka.delivery import RawPublisher
from shared.mongo import UnitOfWork
from shared.settings import ServiceSettings


def notify_consumer(
    settings: ServiceSettings, notifier: Notifier, uow: UnitOfWork, publisher: RawPublisher
) -> EventConsumer:
    """A consumer runner (group = service name; per-case order as the key is the case code)."""
    return EventConsumer(settings, notifier.subscriptions(), uow, publisher)
