"""Daily case-number sequences, one counter document per agency and day.

A draw is one atomic find-and-modify (``$inc``), so concurrent draws on any number of replicas
get distinct, consecutive numbers. It runs on its own, outside the reception's unit of work:
inside transactions this one hot document would make every concurrent reception of the day
conflict and retry. The price is that a number drawn for a reception that then stores nothing
(it lost a race with a retry of the same request, or the store failed) stays unused: a day's
sequence may have gaps, never duplicates.
"""

from pymongo.asynchronous.collection import AsyncCollection

from shared.mongo import Document, increment

SEQUENCES = "case_sequences"


class MongoCaseSequences:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def next_number(self, key: str) -> int:
        return await increment(self._collection, key, "last")
