"""Index declarations a service makes once, applied at start (idempotently)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase


@dataclass(frozen=True)
class IndexSpec:
    """A plain, compound, unique or TTL index (``expire_after_s`` on a date field)."""

    collection: str
    keys: Sequence[tuple[str, int]]
    unique: bool = False
    name: str | None = None
    expire_after_s: int | None = None

    @classmethod
    def on(cls, collection: str, *fields: str, unique: bool = False) -> "IndexSpec":
        """Ascending index on ``fields``, e.g. ``IndexSpec.on("cases", "code", unique=True)``."""
        return cls(collection, tuple((f, ASCENDING) for f in fields), unique=unique)

    def model(self) -> IndexModel:
        options: dict[str, Any] = {"unique": True} if self.unique else {}
        if self.name:
            options["name"] = self.name
        if self.expire_after_s is not None:
            options["expireAfterSeconds"] = self.expire_after_s
        return IndexModel(list(self.keys), **options)


async def ensure_indexes(db: AsyncDatabase[Any], specs: Iterable[IndexSpec]) -> None:
    """Create the declared indexes; existing identical ones are left as they are.

    A changed declaration under an existing name fails loudly (``OperationFailure``) rather than
    silently keeping the old index.
    """
    by_collection: dict[str, list[IndexModel]] = {}
    for spec in specs:
        by_collection.setdefault(spec.collection, []).append(spec.model())
    for collection, models in by_collection.items():
        await db[collection].create_indexes(models)
