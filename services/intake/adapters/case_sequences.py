"""Daily case-number sequences, one counter document per agency and day.

A draw is one atomic find-and-modify (``$inc``), so concurrent draws on any number of replicas
get distinct, consecutive numbers. It runs on its own, outside the reception's unit of work:
inside transactions this one hot document would make every concurrent reception of the day
conflict and retry. The price is that a number drawn for a reception that then stores nothing
(it lost a race with a retry of the same request, or the store failed) stays unused: a day's
sequence may have gaps, never duplicates.
"""

from collections.abc import Mapping

from pymongo.asynchronous.collection import AsyncCollection

from shared.mongo import Document, Transaction, increment

SEQUENCES = "case_sequences"


class MongoCaseSequences:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def next_number(self, key: str) -> int:
        return await increment(self._collection, key, "last")


async def reserve_numbers(tx: Transaction, counts: Mapping[str, int]) -> dict[str, int]:
    """Inside a unit of work: ``counts[key]`` consecutive numbers of each sequence, returned as the
    first of each. For many numbers at once (a register page): one commit instead of a draw each;
    a draw committed meanwhile on one of the sequences makes the unit run again."""
    found = await tx.by_ids(SEQUENCES, counts)
    firsts = {}
    for key, count in counts.items():
        doc = found.get(key)
        last = 0 if doc is None else int(doc["last"])
        if doc is None:
            tx.insert(SEQUENCES, {"_id": key, "last": count})
        else:
            guard = {"_id": key, "last": last}
            tx.update(SEQUENCES, guard, {"$set": {"last": last + count}}, must_match=True)
        firsts[key] = last + 1
    return firsts
