"""The Kafka side of the workflow: which topics it consumes and what each event does."""

from services.workflow.service_layer.handlers import Workflow
from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope
from shared.kafka import EventConsumer
from shared.kafka.delivery import RawPublisher
from shared.settings import ServiceSettings

CONSUMED_TOPICS = ("case-submitted", "supplement-received")


def workflow_consumer(
    settings: ServiceSettings, workflow: Workflow, publisher: RawPublisher
) -> EventConsumer:
    """A consumer runner (group = service name; per-case order as the key is the case code)."""
    handlers = workflow.event_handlers()

    async def dispatch(event: Envelope) -> None:
        spec = CATALOGUE.by_type(event.type)
        assert spec is not None  # the runner only hands over decoded catalogue events
        await handlers[spec.topic](event)

    return EventConsumer(settings, CONSUMED_TOPICS, dispatch, publisher)
