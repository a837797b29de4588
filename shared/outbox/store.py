"""The outbox collection: records waiting to be published, written by units of work.

A unit of work inserts its events here in the transaction that changes the state, so both are
stored or neither. The relay publishes them and deletes what the broker acknowledged; what is in
the collection is exactly what is still to be published.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bson import ObjectId

from shared.kafka.records import OutboundRecord

OUTBOX = "outbox"
# Publication order: the commit order of the units of work (by the time each wrote its events;
# two units that touch one case are serialised by their version checks, so the later one queued
# after the earlier one committed), then the order within one unit.
ORDER = [("queued_at", 1), ("position", 1), ("_id", 1)]


def outbox_document(
    record: OutboundRecord, doc_id: ObjectId, queued_at: datetime, position: int
) -> dict[str, Any]:
    return {
        "_id": doc_id,
        "topic": record.topic,
        "key": record.key,
        "value": record.value,
        # A list of sub-documents: header names may repeat and need not be valid field names.
        "headers": [{"name": name, "value": value} for name, value in record.headers],
        "queued_at": queued_at,
        "position": position,
    }


def outbox_record(doc: Mapping[str, Any]) -> OutboundRecord:
    """The record of a stored document, exactly as it was queued."""
    return OutboundRecord(
        topic=doc["topic"],
        key=doc["key"],
        value=bytes(doc["value"]),
        headers=[(h["name"], bytes(h["value"])) for h in doc["headers"]],
    )
