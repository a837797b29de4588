"""Writes to one document take turns within a process.

On MongoDB a version condition or an "event not yet applied" filter is enough. FerretDB 1.24
applies a conditional update as read-then-write, so two concurrent writers of one document can
both match and one silently undoes the other (see this package's docstring). Serialising the
writes of a document in the process that makes them closes that gap within a replica; several
replicas writing one document remain exposed on FerretDB, not on MongoDB.
"""

import asyncio
from weakref import WeakValueDictionary


class Turns:
    """One ``asyncio.Lock`` per key (e.g. a case code), alive while someone holds or awaits it."""

    def __init__(self) -> None:
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    def of(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock
