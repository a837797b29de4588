"""What goes on the wire for one event: topic, key, value and CloudEvents headers.

The value is the structured-mode CloudEvent (JSON); the ``ce_*`` headers repeat the attributes
routers and tools filter on, so they need not parse the value. ``content-type`` marks the message as
structured mode, as the CloudEvents Kafka binding requires.
"""

from dataclasses import dataclass, field
from typing import Any

from shared.events.catalogue import CATALOGUE
from shared.events.codec import encode
from shared.events.envelope import STRUCTURED_CONTENT_TYPE, Envelope

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True)
class OutboundRecord:
    """One message to publish; ``topic`` is the catalogue (unprefixed) name."""

    topic: str
    key: str
    value: bytes
    headers: Headers = field(default_factory=list)


def catalogue_topic(event: Envelope[Any]) -> str:
    spec = CATALOGUE.by_type(event.type)
    if spec is None:
        raise ValueError(f"event type {event.type!r} is not in the catalogue")
    return spec.topic


def cloudevent_headers(event_id: str, event_type: str, source: str) -> Headers:
    return [
        ("content-type", STRUCTURED_CONTENT_TYPE.encode()),
        ("ce_id", event_id.encode()),
        ("ce_type", event_type.encode()),
        ("ce_source", source.encode()),
    ]


def record_for(event: Envelope[Any]) -> OutboundRecord:
    """The message of an event: keyed by its case code so a case's events stay in order."""
    return OutboundRecord(
        topic=catalogue_topic(event),
        key=event.subject,
        value=encode(event),
        headers=cloudevent_headers(str(event.id), event.type, event.source),
    )
