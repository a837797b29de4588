"""The Kafka side of the workflow: its consumer runner over the use cases' subscriptions."""

from services.workflow.service_layer.handlers import Workflow
from shared.kafka import EventConsumer
from shared.kafka.delivery import RawPublisher
from shared.mongo import UnitOfWork
from shared.settings import ServiceSettings


def workflow_consumer(
    settings: ServiceSettings, workflow: Workflow, uow: UnitOfWork, publisher: RawPublisher
) -> EventConsumer:
    """A consumer runner (group = service name; per-case order as the key is the case code).

    Each partition's batch is applied in one unit of work, with the processed marks that make a
    redelivery a no-op; the topics are those ``workflow.subscriptions()`` handles.
    """
    return EventConsumer(settings, workflow.subscriptions(), uow, publisher)
