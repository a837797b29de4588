"""MongoDB plumbing every service shares: client, indexes, update merging, readiness.

The local and test store is FerretDB 1.24 (MongoDB wire protocol over SQLite); production may run
real MongoDB. Code here, and code built on it, keeps to what both do correctly. Checked against
FerretDB 1.24.2 (tests/integration, and its source):

- No multi-document transactions (accepted, then fail at commit). A state change, the events it
  causes (the outbox) and the ids of the events applied (idempotency) go in ONE document write.
- Updates are not atomic under concurrency: FerretDB reads the matching document, applies the
  update in memory and writes the whole document back by ``_id``, with nothing in between
  checked. Two concurrent updates of one document can silently lose one (``$inc``/``$push``
  included), and two concurrent conditional updates (a claim, a version check, an "event not yet
  applied" filter) can both succeed. MongoDB applies each update atomically. Hence: one writer
  per document at a time (the consumer runner handles a case's events in order on one partition;
  ``Turns`` serialises a process's writes of one document),
  the outbox relay never writes the services' documents, and mutual exclusion uses inserts with a
  unique ``_id`` (a duplicate key is refused atomically), never find-and-modify.
- Queries: only a filter that is exactly ``{"_id": <string or ObjectId>}`` uses an index; any
  other filter scans the collection. Indexes still enforce uniqueness.
- Indexes: plain, compound and unique only; ``createIndexes`` fails on TTL indexes and partial
  indexes and collations are not available, so retention is a periodic delete. One index per
  ``createIndexes`` call (see ``ensure_indexes``).
- Documents: no arrays directly inside arrays (use arrays of sub-documents).
- Updates: ``$set $unset $inc $setOnInsert $push $addToSet $pull $pullAll $min $max``, but
  ``$pull`` removes array elements only by whole-value equality (a condition such as
  ``{"id": {"$in": [...]}}`` matches nothing); no positional (``$``) or ``arrayFilters`` updates.
- ``find_one_and_update`` takes no projection (NotImplemented); ``find`` takes one, dotted paths
  into arrays included.
- Aggregation: no ``$lookup $facet $merge $out``, no group accumulators other than
  ``$sum``/``$count``; no change streams; no client-level ``bulk_write``.
"""

from shared.mongo.client import mongo_client, ping, service_database
from shared.mongo.indexes import IndexSpec, ensure_indexes
from shared.mongo.turns import Turns
from shared.mongo.updates import merge_updates

__all__ = [
    "IndexSpec",
    "Turns",
    "ensure_indexes",
    "merge_updates",
    "mongo_client",
    "ping",
    "service_database",
]
