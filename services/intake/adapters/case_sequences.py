"""Daily case-number sequences, one counter document per agency and day.

On MongoDB, ``$inc`` on one document is atomic, so numbers stay unique across concurrent
requests and replicas. FerretDB 1.24 (SQLite) runs it as read-then-write: concurrent draws can
return the same number, and many at once fail with SQLITE_BUSY. So within one replica one draw
is in flight at a time, and it serves every request that queued meanwhile (``$inc`` by their
number, each taking one of the numbers it reserved). The unique code of the case document settles
the rare collision between replicas: the reception then draws again (see ``CodeTaken``).

Two first draws of a day may both try to create the counter; the loser gets a duplicate key
error and simply draws again, now incrementing the counter the winner created.
"""

import asyncio
from collections import defaultdict
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

SEQUENCES = "case_sequences"
_ATTEMPTS = 5


class MongoCaseSequences:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection
        self._turn = asyncio.Lock()
        self._queued: defaultdict[str, list[asyncio.Future[int]]] = defaultdict(list)

    async def next_number(self, key: str) -> int:
        mine: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queued[key].append(mine)
        async with self._turn:
            if not mine.done():
                await self._serve(key, self._queued.pop(key))
        return await mine

    async def give_back(self, key: str, number: int) -> None:
        async with self._turn:
            await self._collection.update_one({"_id": key, "last": number}, {"$inc": {"last": -1}})

    async def _serve(self, key: str, queued: list[asyncio.Future[int]]) -> None:
        try:
            last = await self._increment(key, len(queued))
        except BaseException as exc:
            # Every queued request learns of the failure, even when this one was cancelled.
            failure = exc if isinstance(exc, Exception) else RuntimeError("draw interrupted")
            for future in queued:
                future.set_exception(failure)
            if not isinstance(exc, Exception):
                raise
            return
        first = last - len(queued) + 1
        for offset, future in enumerate(queued):
            future.set_result(first + offset)

    async def _increment(self, key: str, by: int) -> int:
        for attempt in range(_ATTEMPTS):
            try:
                counter = await self._collection.find_one_and_update(
                    {"_id": key},
                    {"$inc": {"last": by}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            return int(counter["last"])
        raise AssertionError("unreachable")
