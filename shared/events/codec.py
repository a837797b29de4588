"""Turning events into Kafka message values and back, rejecting malformed messages with a reason."""

import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope, EventData
from shared.events.times import fact_time

# An event is a few kB; Kafka's default message limit is 1 MiB, so anything larger is not ours.
MAX_VALUE_BYTES = 1024 * 1024
# Our envelopes nest about five deep; the limit stops a deep message before any recursive code
# (the json parser, pydantic, a dead-letter writer) can overflow the stack on it.
MAX_NESTING = 32
# A reason quotes parts of the message (a type, a field name) that may themselves be huge.
MAX_REASON_CHARS = 500

Bytes = bytes | bytearray | memoryview


class DecodeError(ValueError):
    """A message that can never become an event; ``reason`` says why, for logs and dead letters."""

    def __init__(self, reason: str) -> None:
        if len(reason) > MAX_REASON_CHARS:
            reason = reason[: MAX_REASON_CHARS - 1] + "…"
        super().__init__(reason)
        self.reason = reason


def new_event(
    data: EventData, *, event_id: UUID | None = None, time: datetime | None = None
) -> Envelope[Any]:
    """Wrap data in the envelope its catalogue entry prescribes.

    The envelope's ``time`` is when the fact happened, read from the data (``shared.events.times``):
    a publisher's ``time`` counts only for a type whose data names no time of its own.
    """
    spec = CATALOGUE.for_model(type(data))
    time = fact_time(data) or time
    extra: dict[str, Any] = {k: v for k, v in (("id", event_id), ("time", time)) if v is not None}
    return spec.envelope_model(
        source=spec.source,
        type=spec.type,
        subject=data.case_code,
        dataschema=spec.dataschema,
        data=data,
        **extra,
    )


def encode(event: Envelope[Any]) -> bytes:
    return event.model_dump_json().encode()


def decode(raw: Bytes | None, *, topic: str | None = None) -> Envelope[Any]:
    """Parse and validate one message value; ``topic`` is the catalogue (unprefixed) topic name.

    Raises only ``DecodeError``: a consumer dead-letters that and goes on, while any other
    exception would stop it on this message for good.
    """
    try:
        return _decode(raw, topic)
    except DecodeError:
        raise
    except Exception as exc:
        # The last line of defence: whatever slipped past the checks below is still a bad message.
        raise DecodeError(f"unreadable message: {type(exc).__name__}: {exc}") from None


def _decode(raw: Bytes | None, topic: str | None) -> Envelope[Any]:
    doc = parse_json(raw)
    if not isinstance(doc, dict):
        raise DecodeError("not a JSON object")
    if doc.get("specversion") != "1.0":
        raise DecodeError(f"unsupported specversion {doc.get('specversion')!r}, expected '1.0'")
    event_type = doc.get("type")
    spec = CATALOGUE.by_type(event_type) if isinstance(event_type, str) else None
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


def parse_json(raw: Bytes | None) -> object:
    """Strict JSON of a message value: UTF-8, bounded in size and depth, no NaN, no repeated key."""
    if not raw:
        raise DecodeError("empty message")
    if not isinstance(raw, Bytes):
        raise DecodeError(f"value is {type(raw).__name__}, not bytes")
    if len(raw) > MAX_VALUE_BYTES:
        raise DecodeError(f"value of {len(raw)} bytes exceeds {MAX_VALUE_BYTES}")
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid UTF-8 at byte {exc.start}") from None
    try:
        doc = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise DecodeError(f"malformed JSON: nested deeper than {MAX_NESTING}") from None
    except ValueError as exc:  # JSONDecodeError, and the parser's limit on an integer's digits
        raise DecodeError(f"malformed JSON: {exc}") from None
    if _too_deep(doc):
        raise DecodeError(f"malformed JSON: nested deeper than {MAX_NESTING}")
    return doc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Which of two values a reader keeps is not specified: another consumer may see the other one.
    doc = dict(pairs)
    if len(doc) < len(pairs):
        repeated = next(key for key, n in Counter(key for key, _ in pairs).items() if n > 1)
        raise ValueError(f"repeated key {repeated!r}")
    return doc


def _too_deep(doc: object) -> bool:
    """Iterative, so that measuring a deep document cannot itself overflow the stack."""
    stack: list[tuple[object, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        children: Iterable[object]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_NESTING:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def describe(exc: ValidationError) -> str:
    """One line naming each bad field and why, e.g. ``data.amount_vnd: Input should be > 0``."""
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()
    )
