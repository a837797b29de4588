"""What the Kafka and outbox plumbing tests share: one topic, events on it, settings for it."""

from typing import Any

from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES
from shared.kafka import ensure_topics
from shared.settings import ServiceSettings

TOPIC = "case-rated"
RATED = EXAMPLES[CATALOGUE.for_topic(TOPIC)[0].data_model]
DEADLINE_S = 20


def rated(case_code: str) -> Envelope:
    """A new ``case-rated`` event (fresh id) of the given case."""
    return new_event(RATED.model_copy(update={"case_code": case_code}))


async def with_topic(settings: ServiceSettings, **changes: Any) -> ServiceSettings:
    """The module's settings with ``changes``, once the topic (and its dead letters) exist."""
    changed = settings.model_copy(update=changes)
    await ensure_topics(changed, [TOPIC], partitions=3)
    return changed
