"""Applying an event's effect at most once per document, atomically with the effect.

Delivery is at-least-once, so every consumer sees some events twice. Two ways to notice:

- An update of an existing document records the event id in that document, in the same write as
  the effect, and only matches if the id is not there yet (``once_filter`` + ``once_update``, or
  ``apply_once``). No transaction is needed: one document, one write.
- An effect that creates a document takes a deterministic ``_id`` (the event id, or a natural key
  such as the case code) so a second insert fails with a duplicate key (``insert_once``).

The applied ids of a document grow with its history; an aggregate (a case) sees tens of events in
its life, not thousands, which keeps that cheap.

On FerretDB 1.24 the first way holds for one writer at a time only: two concurrent deliveries of
the same event to the same document could both pass the filter (see ``shared.mongo``). The
consumer runner delivers a case's events one after the other (one partition, in order), so this
takes a rebalance in the middle of a redelivery. The second way is atomic everywhere.
"""

from collections.abc import Mapping
from enum import Enum
from typing import Any
from uuid import UUID

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from shared.mongo.updates import merge_updates

APPLIED = "applied_event_ids"

EventId = UUID | str


class Outcome(Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    # No document matched the key and condition (and no upsert was asked for).
    NOT_MATCHED = "not_matched"


def once_filter(filter_: Mapping[str, Any], event_id: EventId) -> dict[str, Any]:
    """``filter_`` narrowed to documents that have not applied the event yet."""
    return {**filter_, APPLIED: {"$ne": str(event_id)}}


def once_update(update: Mapping[str, Any], event_id: EventId) -> dict[str, Any]:
    """``update`` plus recording the event as applied, in the same write."""
    return merge_updates(update, {"$push": {APPLIED: str(event_id)}})


async def apply_once(
    collection: AsyncCollection[dict[str, Any]],
    event_id: EventId,
    key: Mapping[str, Any],
    update: Mapping[str, Any],
    *,
    condition: Mapping[str, Any] | None = None,
    upsert: bool = False,
) -> Outcome:
    """Apply ``update`` to the document found by ``key`` (and ``condition``) unless already done.

    ``key`` identifies one document (``_id`` or a unique field); with ``upsert`` a missing document
    is created from it.
    """
    try:
        result = await collection.update_one(
            once_filter({**key, **(condition or {})}, event_id),
            once_update(update, event_id),
            upsert=upsert,
        )
    except DuplicateKeyError:
        # The upsert did not match because the event was applied, and then collided with the
        # document that did apply it. Any other collision is a real error.
        if await was_applied(collection, event_id, key):
            return Outcome.DUPLICATE
        raise
    if result.matched_count or result.upserted_id is not None:
        return Outcome.APPLIED
    if await was_applied(collection, event_id, key):
        return Outcome.DUPLICATE
    return Outcome.NOT_MATCHED


async def insert_once(
    collection: AsyncCollection[dict[str, Any]], document: Mapping[str, Any]
) -> Outcome:
    """Insert a document whose ``_id`` (or a unique index) is derived from the event."""
    try:
        await collection.insert_one(dict(document))
    except DuplicateKeyError:
        return Outcome.DUPLICATE
    return Outcome.APPLIED


async def was_applied(
    collection: AsyncCollection[dict[str, Any]], event_id: EventId, key: Mapping[str, Any]
) -> bool:
    found = await collection.find_one({**key, APPLIED: str(event_id)}, projection={"_id": True})
    return found is not None
