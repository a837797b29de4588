"""The transactional outbox: events stored with the state change that caused them, then relayed."""

from shared.outbox.entries import (
    outbox_entry,
    outbox_fields,
    outbox_index,
    outbox_push,
    outbox_update,
    record_entry,
)
from shared.outbox.ledger import MongoRelayLedger, RelayLedger
from shared.outbox.relay import OutboxRelay
from shared.outbox.source import MongoOutboxSource, OutboxSource

__all__ = [
    "MongoOutboxSource",
    "MongoRelayLedger",
    "OutboxRelay",
    "OutboxSource",
    "RelayLedger",
    "outbox_entry",
    "outbox_fields",
    "outbox_index",
    "outbox_push",
    "outbox_update",
    "record_entry",
]
