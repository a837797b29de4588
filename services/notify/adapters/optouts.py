"""Addresses whose owners asked to receive no more messages, in MongoDB.

One document per address, so every change is one atomic single-document write; the notifier reads
them inside its unit of work (``delivery_log.MongoDeliveryLog.opted_out``).
"""

from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.notify.domain.optout import OptOut
from shared.events.values import NotificationChannel

COLLECTION = "optouts"

Document = dict[str, Any]


def key(channel: NotificationChannel, address: str) -> str:
    return f"{channel}:{address}"


class MongoOptOuts:
    """Keyed by channel and normalised address, so each address is opted out once."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db[COLLECTION]

    async def add(self, opt_out: OptOut) -> OptOut:
        """Record the opt-out; a repeated request keeps the first one's time and author."""
        doc = await self.collection.find_one_and_update(
            {"_id": key(opt_out.channel, opt_out.address)},
            {"$setOnInsert": opt_out.model_dump(mode="python")},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return OptOut.model_validate(doc)

    async def remove(self, channel: NotificationChannel, address: str) -> bool:
        result = await self.collection.delete_one({"_id": key(channel, address)})
        return result.deleted_count == 1

    async def get(self, channel: NotificationChannel, address: str) -> OptOut | None:
        doc = await self.collection.find_one({"_id": key(channel, address)})
        return None if doc is None else OptOut.model_validate(doc)
