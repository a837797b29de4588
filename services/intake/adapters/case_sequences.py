"""Daily case-number sequences, one counter document per agency and day.

A draw is one atomic find-and-modify (``$inc``), so concurrent draws on any number of replicas
get distinct, consecutive numbers. It runs on its own, outside the reception's unit of work:
inside transactions this one hot document would make every concurrent reception of the day
conflict and retry. The price is that a number drawn for a reception that then stores nothing
(it lost a race with a retry of the same request, or the store failed) stays unused: a day's
sequence may have gaps, never duplicates.

The day's counter is created apart from the draws (``$setOnInsert``, a no-op once it exists)
rather than by an upserting draw: on SecantusDB 0.7.0b3, when concurrent upserting
find-and-modify calls create one document, some of them apply their ``$inc`` but return no
document, so their numbers are lost (50 concurrent first draws of a key: up to 41 came back
empty). Only the day's first draws take the longer path.
"""

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from shared.mongo import Document

SEQUENCES = "case_sequences"


class MongoCaseSequences:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def next_number(self, key: str) -> int:
        counter = await self._draw(key)
        if counter is None:  # the day's first draw
            await self._collection.update_one(
                {"_id": key}, {"$setOnInsert": {"last": 0}}, upsert=True
            )
            counter = await self._draw(key)
            assert counter is not None, f"counter {key} vanished"
        return int(counter["last"])

    async def _draw(self, key: str) -> Document | None:
        return await self._collection.find_one_and_update(
            {"_id": key}, {"$inc": {"last": 1}}, return_document=ReturnDocument.AFTER
        )
