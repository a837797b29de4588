"""Dead letters: messages a consumer gave up on, parked with the reason, for people to inspect."""

from collections.abc import Iterator
from dataclasses import dataclass

from aiokafka.structs import ConsumerRecord

from shared.kafka.records import Headers

DLQ_SUFFIX = ".dlq"
# Long reasons (e.g. a validation error listing every field) are cut so headers stay small.
MAX_REASON_BYTES = 2000


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of a catalogue topic (prefixing is the producer's job)."""
    return f"{topic}{DLQ_SUFFIX}"


@dataclass(frozen=True)
class Failure:
    """Why and after how many attempts a consumer gave up on a message."""

    reason: str
    attempts: int
    exception_type: str


def dead_letter_headers(record: ConsumerRecord, group: str, failure: Failure) -> Headers:
    """The original headers (the message stays intact) plus ``dlq_*`` headers saying why."""
    original = [(k, v) for k, v in record.headers or () if not k.startswith("dlq_")]
    return [
        *original,
        ("dlq_reason", truncate(failure.reason, MAX_REASON_BYTES)),
        ("dlq_original_topic", record.topic.encode()),
        ("dlq_original_partition", str(record.partition).encode()),
        ("dlq_original_offset", str(record.offset).encode()),
        ("dlq_consumer_group", group.encode()),
        ("dlq_attempts", str(failure.attempts).encode()),
        ("dlq_exception_type", failure.exception_type.encode()),
    ]


def dead_letter_parcels(
    record: ConsumerRecord, group: str, failure: Failure
) -> Iterator[tuple[bytes | None, Headers]]:
    """What to publish on the dead-letter topic, most complete first: the message with its
    headers; then without its own headers; then only our headers saying why (no value)."""
    headers = dead_letter_headers(record, group, failure)
    yield record.value, headers
    ours = [(k, v) for k, v in headers if k.startswith("dlq_")]
    yield record.value, [*ours, ("dlq_dropped", b"original headers")]
    yield None, [*ours, ("dlq_dropped", b"original headers and value")]


def truncate(text: str, max_bytes: int) -> bytes:
    """UTF-8 of ``text`` cut to ``max_bytes`` without splitting a multi-byte letter."""
    return text.encode()[:max_bytes].decode(errors="ignore").encode()
