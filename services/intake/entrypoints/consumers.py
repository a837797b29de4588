"""The workflow's events that change what the citizen sees of a case."""

from services.intake.service_layer.cases import CaseDesk
from services.intake.settings import IntakeSettings
from shared.kafka import EventConsumer, EventProducer

CONSUMED_TOPICS = (
    "step-completed",
    "supplement-requested",
    "fee-requested",
    "processing-resumed",
    "appointment-rescheduled",
    "processing-stopped",
    "case-resolved",
    "payment-approved",
)


def intake_consumer(
    settings: IntakeSettings, desk: CaseDesk, producer: EventProducer
) -> EventConsumer:
    return EventConsumer(settings, CONSUMED_TOPICS, desk.track, producer)
