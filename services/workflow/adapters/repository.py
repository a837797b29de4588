"""Processing instances in MongoDB: one document per case, ``_id`` = case code.

Changes go through a unit of work (``Instances``, built on its transaction): the instance, the
events it causes and the processed marks commit together, and ``version`` (checked by
``Transaction.replace``) makes a writer that read an older copy retry instead of overwriting.
What officers look at is read outside any unit of work (``InstanceReader``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from services.workflow.domain.instance import Instance
from services.workflow.domain.records import CLOCK_RUNNING, OPEN_STATUSES, Status
from shared.mongo import Document, IndexSpec, Transaction
from shared.mongo.transaction import VERSION

COLLECTION = "instances"
# Stored natively (not as ISO text) so that queries compare instants, not strings.
INSTANTS = ("due_at", "due_soon_at")
# Leaves the bulky audit trail out of work-queue lines.
QUEUE_PROJECTION = {"history": False}

INDEXES = [
    # The deadline watch's two branches (see ``warning_query``).
    IndexSpec.on(COLLECTION, "status", "due_at"),
    IndexSpec.on(COLLECTION, "status", "due_soon_at"),
    # Work queues by the agency at the current step and by assignee, earliest due first.
    IndexSpec.on(COLLECTION, "current_agency", "status", "due_at"),
    # Instances stored before ``current_agency`` was derived (see ``agency_query``).
    IndexSpec.on(COLLECTION, "facts.agency_code", "status", "due_at"),
    IndexSpec.on(COLLECTION, "assignee", "status", "due_at"),
]


@dataclass(frozen=True)
class Stored:
    """An instance as read, with the version a write of it must still find."""

    instance: Instance
    version: int


@dataclass(frozen=True)
class QueueFilter:
    # The agency at the current step: an interlinked case is in one agency's queue at a time.
    agency_code: str | None = None
    step_id: str | None = None
    assignee: str | None = None
    statuses: Sequence[Status] = tuple(sorted(OPEN_STATUSES))


def to_document(instance: Instance) -> dict[str, Any]:
    doc = instance.model_dump(mode="json")
    doc.update({name: getattr(instance, name) for name in INSTANTS})
    # Derived, for work queues by step and by the agency performing it.
    doc["step_id"] = instance.step.id
    doc["current_agency"] = instance.agency.code
    return {"_id": instance.case_code, **doc}


def from_document(doc: Document) -> Stored:
    fields = {name: doc[name] for name in Instance.model_fields if name in doc}
    return Stored(Instance.model_validate(fields), doc[VERSION])


def warning_query(now: datetime) -> dict[str, Any]:
    """Cases whose clock runs and that crossed a threshold not yet warned about.

    The same tests as ``Instance.deadline_warning``: an overdue case first seen late never gets a
    due-soon warning, and left matching it would hold a place in every batch.
    """
    running = {"status": {"$in": [s.value for s in CLOCK_RUNNING]}}
    due_soon = {"due_soon_at": {"$lte": now}, "due_at": {"$gte": now}}
    return {
        "$or": [
            {**running, **due_soon, "warnings": {"$ne": "due_soon"}},
            {**running, "due_at": {"$lt": now}, "warnings": {"$ne": "overdue"}},
        ]
    }


def agency_query(agency_code: str) -> dict[str, Any]:
    """Cases at ``agency_code``'s step; an instance stored before steps had agencies (no
    ``current_agency`` until it is next saved) is at its receiving agency."""
    return {
        "$or": [
            {"current_agency": agency_code},
            {"current_agency": {"$exists": False}, "facts.agency_code": agency_code},
        ]
    }


class Instances:
    """The instances of one unit of work: reads in its transaction, writes buffered in it."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def get(self, case_code: str) -> Stored | None:
        doc = await self._tx.find_one(COLLECTION, {"_id": case_code})
        return None if doc is None else from_document(doc)

    def open(self, instance: Instance) -> None:
        """Store a new instance unless its case is already there (then leave that one as it is).

        An upsert that only sets on insert needs no read first, so a batch of ``case-submitted``
        costs one bulk write; a case submitted again (redelivered, or under a new event id) is a
        no-op, and two units opening it at once meet the unique ``_id``: the later one retries and
        then finds it.
        """
        doc = {**to_document(instance), VERSION: 1}
        del doc["_id"]
        self._tx.update(COLLECTION, {"_id": instance.case_code}, {"$setOnInsert": doc}, upsert=True)

    def save(self, stored: Stored, instance: Instance) -> None:
        """Write ``instance`` over ``stored`` if nobody changed it since (else the unit retries)."""
        self._tx.replace(COLLECTION, to_document(instance), version=stored.version)

    async def needing_warning(self, limit: int) -> list[Stored]:
        docs = await self._tx.find(COLLECTION, warning_query(self._tx.now), limit=limit)
        return [from_document(doc) for doc in docs]


class InstanceReader:
    """What officers read: committed instances, outside any unit of work."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[COLLECTION]

    async def get(self, case_code: str) -> Stored | None:
        doc = await self.collection.find_one({"_id": case_code})
        return None if doc is None else from_document(doc)

    async def queue(self, filter_: QueueFilter, limit: int) -> list[Instance]:
        """Open cases, earliest due first, so overdue ones lead."""
        query: dict[str, Any] = {"status": {"$in": [s.value for s in filter_.statuses]}}
        if filter_.agency_code is not None:
            query.update(agency_query(filter_.agency_code))
        for field, value in (
            ("step_id", filter_.step_id),
            ("assignee", filter_.assignee),
        ):
            if value is not None:
                query[field] = value
        cursor = (
            self.collection.find(query, projection=QUEUE_PROJECTION)
            .sort([("due_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [from_document({**doc, "history": []}).instance async for doc in cursor]
