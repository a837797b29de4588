"""The workflow's events that change what the citizen sees of a case: one handler per topic,
each run inside the consumer's unit of work."""

from typing import Any

from services.intake.adapters.case_repository import MongoCaseStore
from services.intake.domain.errors import NotFound
from services.intake.domain.tracking import TRACKERS
from services.intake.service_layer.cases import CaseDesk
from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope
from shared.kafka import Subscriptions
from shared.kafka.retry import PermanentFailure
from shared.mongo import Transaction


def subscriptions(desk: CaseDesk) -> Subscriptions:
    """Every event type the desk tracks, by its topic."""

    async def track(tx: Transaction, event: Envelope[Any]) -> None:
        try:
            await desk.track(MongoCaseStore(tx), event)
        except NotFound as unknown:
            # The workflow only knows cases this service published: retrying cannot help.
            raise PermanentFailure(f"event {event.id}: {unknown}") from unknown

    return Subscriptions({CATALOGUE.for_model(model).topic: track for model in TRACKERS})
