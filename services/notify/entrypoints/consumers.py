"""The Kafka side of notify: the milestone topics it consumes, each handled by the notifier."""

from services.notify.service_layer.handlers import Notifier
from shared.kafka import EventConsumer
from shared.kafka.delivery import RawPublisher
from shared.settings import ServiceSettings


def notify_consumer(
    settings: ServiceSettings, notifier: Notifier, publisher: RawPublisher
) -> EventConsumer:
    """A consumer runner (group = service name; per-case order as the key is the case code)."""
    return EventConsumer(settings, list(notifier.handlers()), notifier.on_milestone, publisher)
