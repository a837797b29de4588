"""Index declarations a service makes once, applied at start (idempotently)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase


@dataclass(frozen=True)
class IndexSpec:
    """A plain, compound or unique index: the kinds FerretDB 1.24 creates (no TTL, no partial)."""

    collection: str
    keys: Sequence[tuple[str, int]]
    unique: bool = False
    name: str | None = None

    @classmethod
    def on(cls, collection: str, *fields: str, unique: bool = False) -> "IndexSpec":
        """Ascending index on ``fields``, e.g. ``IndexSpec.on("cases", "code", unique=True)``."""
        return cls(collection, tuple((f, ASCENDING) for f in fields), unique=unique)

    def model(self) -> IndexModel:
        options: dict[str, Any] = {"unique": True} if self.unique else {}
        if self.name:
            options["name"] = self.name
        return IndexModel(list(self.keys), **options)


async def ensure_indexes(db: AsyncDatabase[Any], specs: Iterable[IndexSpec]) -> None:
    """Create the declared indexes; existing identical ones are left as they are.

    A changed declaration under an existing name fails loudly (``OperationFailure``) rather than
    silently keeping the old index.
    """
    for spec in specs:
        # One index per command: FerretDB 1.24 drops the connection (a server-side panic) when a
        # single createIndexes names several indexes that all exist already.
        await db[spec.collection].create_indexes([spec.model()])
