"""The relay's own records: leases on documents, published entry ids, poll checkpoints.

Kept apart from the services' documents and written with inserts and deletes by ``_id`` only,
which FerretDB 1.24 applies atomically (its conditional updates are not: see ``shared.mongo``).
"""

from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

LEASES = "outbox_leases"
PUBLISHED = "outbox_published"
CHECKPOINTS = "outbox_checkpoints"


class RelayLedger(Protocol):
    async def lease(self, key: str, owner: str, now: datetime, until: datetime) -> bool:
        """Take the lease on ``key`` if it is free or expired; False if another owner holds it."""
        ...

    async def release(self, key: str, owner: str) -> None: ...

    async def published(self, entry_ids: Collection[str]) -> set[str]:
        """Those of ``entry_ids`` recorded as published."""
        ...

    async def mark_published(self, entry_id: str, queued_at: datetime, at: datetime) -> None: ...

    async def checkpoint(self, source: str) -> datetime | None: ...

    async def save_checkpoint(self, source: str, at: datetime) -> None: ...

    async def forget_published(self, queued_before: datetime) -> None:
        """Drop records of entries queued before the time the relay no longer looks at."""
        ...


class MongoRelayLedger:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self._leases = db[LEASES]
        self._published = db[PUBLISHED]
        self._checkpoints = db[CHECKPOINTS]

    async def lease(self, key: str, owner: str, now: datetime, until: datetime) -> bool:
        if await self._insert(self._leases, {"_id": key, "owner": owner, "until": until}):
            return True
        # Held: take it over only if it expired (its holder crashed or gave up). On FerretDB this
        # delete is a read then a delete by _id, so two relays taking over the same expired lease
        # may both end up holding it: the entries may then go out twice, never zero times.
        expired = await self._leases.delete_one({"_id": key, "until": {"$lt": now}})
        return expired.deleted_count == 1 and await self._insert(
            self._leases, {"_id": key, "owner": owner, "until": until}
        )

    async def release(self, key: str, owner: str) -> None:
        await self._leases.delete_one({"_id": key, "owner": owner})

    async def published(self, entry_ids: Collection[str]) -> set[str]:
        if not entry_ids:
            return set()
        found = self._published.find({"_id": {"$in": list(entry_ids)}}, projection={"_id": True})
        return {doc["_id"] async for doc in found}

    async def mark_published(self, entry_id: str, queued_at: datetime, at: datetime) -> None:
        record = {"_id": entry_id, "queued_at": queued_at, "published_at": at}
        await self._insert(self._published, record)

    async def checkpoint(self, source: str) -> datetime | None:
        doc = await self._checkpoints.find_one({"_id": source})
        return None if doc is None else doc["at"]

    async def save_checkpoint(self, source: str, at: datetime) -> None:
        try:
            await self._checkpoints.update_one({"_id": source}, {"$set": {"at": at}}, upsert=True)
        except DuplicateKeyError:
            # Another relay created it at the same moment; its checkpoint is as good as ours.
            return

    async def forget_published(self, queued_before: datetime) -> None:
        await self._published.delete_many({"queued_at": {"$lt": queued_before}})

    @staticmethod
    async def _insert(collection: Any, doc: dict[str, Any]) -> bool:
        try:
            await collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True
