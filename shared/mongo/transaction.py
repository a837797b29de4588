"""What one unit of work reads and writes: a MongoDB transaction with its writes buffered.

Reads go to the store at once, inside the transaction. Writes are collected and sent as one
``bulk_write`` per collection, at commit or before the next read of that collection (so a unit
reads its own writes), so a unit that changes a hundred documents costs a handful of round trips,
not a hundred. The events the change causes go to the outbox collection and
the ids of the events it consumed to the processed collection, in the same transaction: state,
events and idempotency marks are stored together or not at all.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo import DeleteOne, InsertOne, ReplaceOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError
from pymongo.results import BulkWriteResult

from shared.events.envelope import Envelope
from shared.kafka.records import OutboundRecord, record_for
from shared.mongo.client import Document
from shared.mongo.conflict import Conflict
from shared.mongo.indexes import IndexSpec
from shared.outbox.store import OUTBOX, outbox_document

PROCESSED = "processed_events"
# A processed mark outlives every redelivery: Kafka keeps a topic's messages 7 days.
PROCESSED_KEPT_S = 90 * 24 * 3600
INDEXES = [
    IndexSpec(PROCESSED, (("at", 1),), name="processed_ttl", expire_after_s=PROCESSED_KEPT_S)
]
VERSION = "version"
DUPLICATE_KEY = 11000

WriteModel = InsertOne[Document] | ReplaceOne[Document] | UpdateOne | DeleteOne


class Transaction:
    """The reads and buffered writes of one attempt of a unit of work."""

    def __init__(
        self, db: AsyncDatabase[Document], session: AsyncClientSession, now: datetime
    ) -> None:
        self.db = db
        self.session = session
        self.now = now
        # Per collection, in order: each write and whether it must match a document.
        self._writes: dict[str, list[tuple[WriteModel, bool]]] = {}
        self._outbox: list[OutboundRecord] = []
        self._processed: list[str] = []

    # Reads, inside the transaction's snapshot.

    async def find_one(self, collection: str, filter_: Mapping[str, Any], **options: Any) -> Any:
        await self._send(collection)
        return await self.db[collection].find_one(dict(filter_), session=self.session, **options)

    async def find(
        self, collection: str, filter_: Mapping[str, Any], **options: Any
    ) -> list[Document]:
        await self._send(collection)
        cursor = self.db[collection].find(dict(filter_), session=self.session, **options)
        return [doc async for doc in cursor]

    async def by_ids(self, collection: str, ids: Iterable[Any]) -> dict[Any, Document]:
        """Several documents by ``_id`` in one round trip."""
        found = await self.find(collection, {"_id": {"$in": list(dict.fromkeys(ids))}})
        return {doc["_id"]: doc for doc in found}

    async def unprocessed(self, event_ids: Sequence[str]) -> list[str]:
        """Those of ``event_ids`` this service has not applied yet, in the order given."""
        done = await self.by_ids(PROCESSED, event_ids)
        return [i for i in dict.fromkeys(event_ids) if i not in done]

    # Writes, buffered until commit.

    def insert(self, collection: str, document: Mapping[str, Any]) -> None:
        """A new document; one already there under that ``_id`` makes the unit retry."""
        self._buffer(collection, InsertOne(dict(document)))

    def replace(self, collection: str, document: Mapping[str, Any], *, version: int) -> None:
        """Store ``document`` (with ``_id``) if it is still at ``version``; it goes to version + 1.

        Version 0 means new: the document is inserted.
        """
        stored = {**document, VERSION: version + 1}
        if version == 0:
            self.insert(collection, stored)
            return
        model = ReplaceOne({"_id": stored["_id"], VERSION: version}, stored)
        self._buffer(collection, model, must_match=True)

    def update(
        self,
        collection: str,
        filter_: Mapping[str, Any],
        update: Mapping[str, Any],
        *,
        upsert: bool = False,
        must_match: bool = False,
    ) -> None:
        """An update (e.g. ``$inc`` counters) of at most one document; with ``must_match`` a filter
        that matches nothing makes the unit retry."""
        model = UpdateOne(dict(filter_), dict(update), upsert=upsert)
        self._buffer(collection, model, must_match=must_match)

    def delete(
        self, collection: str, filter_: Mapping[str, Any], *, must_match: bool = False
    ) -> None:
        """A delete of at most one document; with ``must_match`` a filter that matches nothing
        makes the unit retry."""
        self._buffer(collection, DeleteOne(dict(filter_)), must_match=must_match)

    def publish(self, *events: Envelope[Any]) -> None:
        """Queue events on the outbox; the relay publishes them once this unit committed."""
        self._outbox.extend(record_for(event) for event in events)

    def publish_records(self, *records: OutboundRecord) -> None:
        """Queue prepared records as they are (e.g. dead letters with their own headers)."""
        self._outbox.extend(records)

    def mark_processed(self, event_id: str) -> None:
        """Record a consumed event as applied by this unit (see ``unprocessed``)."""
        self._processed.append(event_id)

    async def flush(self) -> None:
        """Send every buffered write; a version check that missed raises ``Conflict``."""
        # Wall-clock time, whatever clock the domain reads: it orders the outbox and starts the
        # processed marks' retention.
        stored_at = datetime.now(UTC)
        for position, record in enumerate(self._outbox):
            self.insert(OUTBOX, outbox_document(record, ObjectId(), stored_at, position))
        for event_id in self._processed:
            self.insert(PROCESSED, {"_id": event_id, "at": stored_at})
        for collection in list(self._writes):
            await self._send(collection)

    async def _send(self, collection: str) -> None:
        for models, must_match in _runs(self._writes.pop(collection, [])):
            result = await self._bulk(collection, models)
            # A delete reports what it deleted, the others what they matched.
            if must_match and result.matched_count + result.deleted_count < len(models):
                raise Conflict(f"{collection}: a document changed since it was read")

    async def _bulk(self, collection: str, models: list[WriteModel]) -> BulkWriteResult:
        try:
            return await self.db[collection].bulk_write(models, ordered=True, session=self.session)
        except BulkWriteError as error:
            codes = {e.get("code") for e in error.details.get("writeErrors", [])}
            if DUPLICATE_KEY in codes:
                raise Conflict(f"{collection}: a document was created meanwhile") from error
            raise

    def _buffer(self, collection: str, model: WriteModel, *, must_match: bool = False) -> None:
        self._writes.setdefault(collection, []).append((model, must_match))


def _runs(writes: list[tuple[WriteModel, bool]]) -> list[tuple[list[WriteModel], bool]]:
    """Consecutive writes with the same ``must_match``, so that each run's match count is exact
    (a bulk write reports one count for all its writes)."""
    runs: list[tuple[list[WriteModel], bool]] = []
    for model, must_match in writes:
        if runs and runs[-1][1] == must_match:
            runs[-1][0].append(model)
        else:
            runs.append(([model], must_match))
    return runs
