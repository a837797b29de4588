"""Outbox entries: the events a state change causes, stored in the same document as the change.

Without multi-document transactions, the only write that is atomic on MongoDB and FerretDB alike
is a single-document one. So an aggregate document carries its own events in an ``outbox`` array,
appended by the same write that changes its state: the caller merges ``outbox_update`` (or
``outbox_push``) into its update, or ``outbox_fields`` into the document it inserts. Both are
stored together or not at all.

Entries are append-only: the relay reads them and records what it published in its own
collections (``shared.outbox.ledger``), so the array doubles as the document's published history.
The array order is the per-document sequence. Each entry carries:

- ``created_at``: the caller's (domain) time of the change;
- ``queued_at``: the wall-clock time it was queued, which the relay polls by (``outbox_index``).
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from shared.events.envelope import Envelope
from shared.kafka.records import OutboundRecord, record_for
from shared.mongo.indexes import IndexSpec

OUTBOX = "outbox"
QUEUED_AT = "queued_at"

Entry = dict[str, Any]


def record_entry(record: OutboundRecord, entry_id: str, created_at: datetime) -> Entry:
    """An entry publishing ``record`` as it is (e.g. a dead letter with its own headers)."""
    return {
        "id": entry_id,
        "topic": record.topic,
        "key": record.key,
        "value": record.value.decode(),
        # A list of sub-documents: FerretDB stores no arrays nested in arrays.
        "headers": [{"name": name, "value": value} for name, value in record.headers],
        "created_at": created_at,
        QUEUED_AT: datetime.now(UTC),
    }


def outbox_entry(event: Envelope, created_at: datetime) -> Entry:
    return record_entry(record_for(event), str(event.id), created_at)


def entry_record(entry: Mapping[str, Any]) -> OutboundRecord:
    """The Kafka record of a stored entry, exactly as it was queued."""
    return OutboundRecord(
        topic=entry["topic"],
        key=entry["key"],
        value=entry["value"].encode(),
        headers=[(h["name"], bytes(h["value"])) for h in entry["headers"]],
    )


def outbox_push(entries: Sequence[Entry]) -> dict[str, Any]:
    """The update fragment appending ``entries``; merge it into the state change's update."""
    return {"$push": {OUTBOX: {"$each": list(entries)}}} if entries else {}


def outbox_update(*events: Envelope, now: datetime | None = None) -> dict[str, Any]:
    """The update fragment queuing ``events``, created at ``now`` (default: the wall clock)."""
    created_at = now or datetime.now(UTC)
    return outbox_push([outbox_entry(e, created_at) for e in events])


def outbox_fields(*events: Envelope, now: datetime | None = None) -> dict[str, Any]:
    """The fields queuing ``events`` in a document about to be inserted."""
    created_at = now or datetime.now(UTC)
    return {OUTBOX: [outbox_entry(e, created_at) for e in events]} if events else {}


def outbox_index(collection: str) -> IndexSpec:
    """The index of the relay's poll; declare it with the collection's other indexes."""
    return IndexSpec.on(collection, f"{OUTBOX}.{QUEUED_AT}")
