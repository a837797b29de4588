"""Processing instances in MongoDB: one document per case, its outbox inside it.

Every change is one conditional single-document write: the state, the events it causes (outbox)
and, for consumed events, the event id applied (idempotency). ``version`` guards against two
writers (replicas, or an officer and the deadline watch) overwriting each other's change.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from services.workflow.adapters.serialized import INSTANCE_TURNS
from services.workflow.domain.instance import Instance
from services.workflow.domain.records import CLOCK_RUNNING, OPEN_STATUSES, Status
from shared.events.envelope import Envelope
from shared.events.workflow import DeadlineThreshold
from shared.idempotency import APPLIED, Outcome, insert_once, once_filter, once_update
from shared.mongo import IndexSpec, merge_updates
from shared.outbox import outbox_fields, outbox_index, outbox_update

COLLECTION = "instances"
VERSION = "version"
# Stored natively (not as ISO text) so that queries compare instants, not strings.
INSTANTS = ("due_at", "due_soon_at")

INDEXES = [
    outbox_index(COLLECTION),
    IndexSpec.on(COLLECTION, "status", "due_at"),
    IndexSpec.on(COLLECTION, "status", "due_soon_at"),
    IndexSpec.on(COLLECTION, "facts.agency_code", "status", "due_at"),
    IndexSpec.on(COLLECTION, "assignee", "status", "due_at"),
]


class ConcurrentChange(Exception):
    """Someone else changed the case since it was read; read it again and retry."""


@dataclass(frozen=True)
class Stored:
    instance: Instance
    version: int


@dataclass(frozen=True)
class QueueFilter:
    agency_code: str | None = None
    step_id: str | None = None
    assignee: str | None = None
    statuses: Sequence[Status] = tuple(sorted(OPEN_STATUSES))


def to_document(instance: Instance) -> dict[str, Any]:
    doc = instance.model_dump(mode="json")
    doc.update({name: getattr(instance, name) for name in INSTANTS})
    # Derived, for work queues by step.
    doc["step_id"] = instance.step.id
    return doc


def from_document(doc: dict[str, Any]) -> Stored:
    fields = {name: doc[name] for name in Instance.model_fields if name in doc}
    return Stored(Instance.model_validate(fields), doc[VERSION])


class InstanceRepository:
    """``turns`` serialise this process's updates of a case (see ``serialized.py`` for why)."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[COLLECTION]
        self.turns = INSTANCE_TURNS

    async def get(self, case_code: str) -> Stored | None:
        doc = await self.collection.find_one({"_id": case_code}, projection={"outbox": False})
        return None if doc is None else from_document(doc)

    async def create(self, instance: Instance, event_id: str, now: datetime) -> Outcome:
        """Insert once: the case code is ``_id``, so a redelivered ``case-submitted`` collides."""
        doc = {"_id": instance.case_code, VERSION: 1, APPLIED: [event_id], **to_document(instance)}
        return await insert_once(self.collection, {**doc, **outbox_fields(now=now)})

    async def save(
        self,
        instance: Instance,
        version: int,
        events: Sequence[Envelope],
        now: datetime,
        *,
        event_id: str | None = None,
    ) -> None:
        """Store the new state and its events if nobody changed the case since ``version``."""
        key: dict[str, Any] = {"_id": instance.case_code, VERSION: version}
        update = merge_updates(
            {"$set": {**to_document(instance), VERSION: version + 1}},
            outbox_update(*events, now=now),
        )
        if event_id is not None:
            key, update = once_filter(key, event_id), once_update(update, event_id)
        async with self.turns.of(instance.case_code):
            result = await self.collection.update_one(key, update)
        if result.matched_count == 0:
            raise ConcurrentChange(instance.case_code)

    async def has_applied(self, case_code: str, event_id: str) -> bool:
        found = await self.collection.find_one({"_id": case_code, APPLIED: event_id}, {"_id": 1})
        return found is not None

    async def record_warning(
        self, instance: Instance, threshold: DeadlineThreshold, warning: Envelope, now: datetime
    ) -> bool:
        """Raise a warning unless raised before: the mark and its event are one conditional write.

        Only while the clock runs against the same due date; the version moves so that a writer
        holding an older copy re-reads rather than overwrites the mark.
        """
        async with self.turns.of(instance.case_code):
            result = await self.collection.update_one(
                {
                    "_id": instance.case_code,
                    "warnings": {"$ne": threshold.value},
                    "status": {"$in": [s.value for s in CLOCK_RUNNING]},
                    "due_at": instance.due_at,
                },
                merge_updates(
                    {"$push": {"warnings": threshold.value}, "$inc": {VERSION: 1}},
                    outbox_update(warning, now=now),
                ),
            )
        return result.modified_count == 1

    async def needing_warning(self, now: datetime, limit: int) -> list[Instance]:
        """Cases whose clock runs and that crossed a threshold not yet warned about.

        The same tests as ``Instance.deadline_warning``: an overdue case first seen late never
        gets a due-soon warning, and left matching it would hold a place in every batch.
        """
        running = {"status": {"$in": [s.value for s in CLOCK_RUNNING]}}
        due_soon = {"due_soon_at": {"$lte": now}, "due_at": {"$gte": now}}
        query = {
            "$or": [
                {**running, **due_soon, "warnings": {"$ne": "due_soon"}},
                {**running, "due_at": {"$lt": now}, "warnings": {"$ne": "overdue"}},
            ]
        }
        cursor = self.collection.find(query, projection={"outbox": False}).limit(limit)
        return [from_document(doc).instance async for doc in cursor]

    async def queue(self, filter_: QueueFilter, limit: int) -> list[Instance]:
        """Open cases, earliest due first, so overdue ones lead."""
        query: dict[str, Any] = {"status": {"$in": [s.value for s in filter_.statuses]}}
        for field, value in (
            ("facts.agency_code", filter_.agency_code),
            ("step_id", filter_.step_id),
            ("assignee", filter_.assignee),
        ):
            if value is not None:
                query[field] = value
        cursor = (
            self.collection.find(query, projection={"outbox": False, "history": False})
            .sort([("due_at", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )
        return [from_document({**doc, "history": []}).instance async for doc in cursor]
