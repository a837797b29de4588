"""Turning events into Kafka message values and back, rejecting malformed messages with a reason."""

import json
from datetime import datetime
from uuid import UUID

from pydantic import ValidationError

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope, EventData


class DecodeError(ValueError):
    """A message that can never become an event; ``reason`` says why, for logs and dead letters."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def new_event(
    data: EventData, *, event_id: UUID | None = None, time: datetime | None = None
) -> Envelope:
    """Wrap data in the envelope its catalogue entry prescribes."""
    spec = CATALOGUE.for_model(type(data))
    extra = {k: v for k, v in (("id", event_id), ("time", time)) if v is not None}
    return spec.envelope_model(
        source=spec.source,
        type=spec.type,
        subject=data.case_code,
        dataschema=spec.dataschema,
        data=data,
        **extra,
    )


def encode(event: Envelope) -> bytes:
    return event.model_dump_json().encode()


def decode(raw: bytes | None, *, topic: str | None = None) -> Envelope:
    """Parse and validate one message value; ``topic`` is the catalogue (unprefixed) topic name."""
    if not raw:
        raise DecodeError("empty message")
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DecodeError(f"malformed JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise DecodeError("not a JSON object")
    if doc.get("specversion") != "1.0":
        raise DecodeError(f"unsupported specversion {doc.get('specversion')!r}, expected '1.0'")
    spec = CATALOGUE.by_type(doc.get("type")) if isinstance(doc.get("type"), str) else None
    if spec is None:
        raise DecodeError(f"unknown event type {doc.get('type')!r}")
    if topic is not None and spec.topic != topic:
        raise DecodeError(f"event type {spec.type!r} does not belong on topic {topic!r}")
    # Checked before validation: the envelope's defaults would otherwise invent an id or a time.
    missing = [name for name in Envelope.model_fields if name not in doc]
    if missing:
        raise DecodeError(f"missing envelope attributes: {', '.join(missing)}")
    try:
        event = spec.envelope_model.model_validate(doc)
    except ValidationError as exc:
        raise DecodeError(f"invalid {spec.type}: {describe(exc)}") from None
    if event.subject != event.data.case_code:
        raise DecodeError("subject must equal data.case_code")
    return event


def describe(exc: ValidationError) -> str:
    """One line naming each bad field and why, e.g. ``data.amount_vnd: Input should be > 0``."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()
    )
