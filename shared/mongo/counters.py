"""Counters and singleton documents that many processes create and raise at once.

A counter is raised with one atomic find-and-modify (``$inc``) on a document that already exists;
a missing one is created apart (``$setOnInsert``, a no-op if another process just did) and raised
again. Not by an upserting find-and-modify: when concurrent ones create the same document on
SecantusDB 0.7.0b3, some apply their ``$inc`` but return no document (devstack/store/secantus.py;
50 concurrent first draws of one key: up to 41 came back empty). Only a document's first uses take
the longer path.
"""

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from shared.mongo.client import Document

# Created, then gone before it could be raised (a TTL, an operator): give up after so many.
_CREATE_ATTEMPTS = 3


async def ensure_document(
    collection: AsyncCollection[Document], doc_id: Any, initial: Mapping[str, Any]
) -> None:
    """The document exists afterwards: created with ``initial`` unless it already was."""
    # A concurrent upsert of the same _id may lose with a duplicate key: it exists either way.
    with suppress(DuplicateKeyError):
        await collection.update_one({"_id": doc_id}, {"$setOnInsert": dict(initial)}, upsert=True)


async def increment(
    collection: AsyncCollection[Document],
    doc_id: Any,
    field: str,
    initial: Mapping[str, Any] | None = None,
) -> int:
    """Raise ``field`` of the document by one and return its new value; a missing document is
    created first at 0 (with ``initial``'s other fields)."""
    for _ in range(_CREATE_ATTEMPTS):
        doc = await collection.find_one_and_update(
            {"_id": doc_id}, {"$inc": {field: 1}}, return_document=ReturnDocument.AFTER
        )
        if doc is not None:
            return int(doc[field])
        await ensure_document(collection, doc_id, {**(initial or {}), field: 0})
    raise RuntimeError(f"counter {doc_id} vanished each time it was created")
