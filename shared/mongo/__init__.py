"""MongoDB plumbing every service shares: client, indexes, the unit of work, readiness.

Production runs MongoDB as a replica set; the local and test store is SecantusDB (a MongoDB-wire
server on WiredTiger that presents itself as a one-node replica set). Both give what the services
rely on, and the suite checks it (tests/integration/test_store_guarantees.py): single-document
updates are atomic (``$inc``, conditional updates, find-and-modify claims), multi-document
transactions commit all or nothing, unique and TTL indexes hold.

Every state change goes through ``UnitOfWork.run``: one transaction holding the change, the events
it causes (the outbox) and the ids of the events it applied, retried as a whole when a concurrent
writer got there first (``Conflict``).
"""

from shared.mongo.client import Document, mongo_client, ping, service_database
from shared.mongo.conflict import Conflict
from shared.mongo.counters import ensure_document, increment
from shared.mongo.indexes import IndexSpec, ensure_indexes
from shared.mongo.transaction import Transaction
from shared.mongo.unit_of_work import UnitOfWork

__all__ = [
    "Conflict",
    "Document",
    "IndexSpec",
    "Transaction",
    "UnitOfWork",
    "ensure_document",
    "ensure_indexes",
    "increment",
    "mongo_client",
    "ping",
    "service_database",
]
