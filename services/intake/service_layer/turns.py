"""Changes to one case take turns within a replica.

On MongoDB the version condition of each write would be enough. FerretDB 1.24 applies a
conditional update as read-then-write, so two concurrent writers can both match and one silently
undoes the other: serialising the changes of a case in the process that makes them (desk actions
and consumed events alike) closes that gap within a replica.
"""

import asyncio
from weakref import WeakValueDictionary


class Turns:
    def __init__(self) -> None:
        # A lock lives as long as someone holds or waits for it.
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    def of(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock
