"""Where the relay finds queued entries: the port, and its MongoDB implementation (read-only)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

from shared.outbox.entries import OUTBOX, QUEUED_AT, Entry


@dataclass(frozen=True)
class Queued:
    """A document's entries queued since some time (``id`` and ``queued_at`` at least), in order."""

    doc_id: Any
    entries: list[Entry]


class OutboxSource(Protocol):
    name: str

    async def queued_since(self, since: datetime | None) -> list[Queued]:
        """Documents with entries queued at or after ``since`` (any entries if None)."""
        ...

    async def entries(self, doc_id: Any) -> list[Entry]:
        """All entries of one document, complete and in order."""
        ...


class MongoOutboxSource:
    """The outbox arrays of one collection. The relay only reads them: on FerretDB 1.24 any update
    can silently undo a concurrent update of the same document (see ``shared.mongo``), so the relay
    must never be a second writer of the services' documents.
    """

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection
        self.name = collection.name

    async def queued_since(self, since: datetime | None) -> list[Queued]:
        path = f"{OUTBOX}.{QUEUED_AT}"
        query = {path: {"$exists": True} if since is None else {"$gte": since}}
        brief = {f"{OUTBOX}.id": True, path: True}
        return [
            Queued(doc["_id"], [e for e in doc[OUTBOX] if since is None or e[QUEUED_AT] >= since])
            async for doc in self._collection.find(query, projection=brief)
        ]

    async def entries(self, doc_id: Any) -> list[Entry]:
        doc = await self._collection.find_one({"_id": doc_id}, projection={OUTBOX: True})
        return list((doc or {}).get(OUTBOX) or [])
