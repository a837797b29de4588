"""Who may publish on a topic: only the service the event catalogue names as its producer.

Brokers' ACLs keep other principals from writing a topic; this check is the consumer's own line of
defence behind them (a misconfigured ACL, a tool publishing with a shared account): an event whose
``source`` is not the topic's owner is never applied, it is parked on the dead-letter topic.
"""

from typing import Any

from shared.events.catalogue import CATALOGUE
from shared.events.codec import Bytes, DecodeError, decode
from shared.events.envelope import Envelope


class ForeignSource(DecodeError):
    """A well-formed event published under a source that does not own its topic."""


def read_event(raw: Bytes | None, *, topic: str) -> Envelope[Any]:
    """Decode a message of the catalogue ``topic`` and check that its owner published it.

    Raises ``DecodeError`` (``ForeignSource`` for a foreign source), which consumers dead-letter.
    """
    event = decode(raw, topic=topic)
    spec = CATALOGUE.by_type(event.type)
    # decode() found the type in the catalogue, on this topic: spec is its entry.
    owner = spec.source if spec is not None else None
    if event.source != owner:
        raise ForeignSource(
            f"source {event.source!r} does not own topic {topic!r}: only {owner!r} publishes there"
        )
    return event
