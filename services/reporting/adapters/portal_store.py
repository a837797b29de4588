"""The portal records in MongoDB: ``portal_records``, one per case, versioned, with its sync
state. Records the portal refused go on the outbox with their outcome (see ``portal_refusals``).

Every change goes through the unit of work: the consumer's handler writes on its ``Transaction``
(``MongoPortalBook``); claims and outcomes of sends are units of their own (``MongoPortalQueue``),
so a claim and a concurrent event on the same record meet on the version and one is retried.
"""

import contextlib
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import CollectionInvalid

from services.reporting.adapters.portal_refusals import refusal_record
from services.reporting.domain.portal import PortalRecord
from services.reporting.domain.portal_payload import portal_payload
from services.reporting.domain.portal_sync import SyncState
from services.reporting.service_layer.portal_ports import Claim, Resend, Settlement, StoredRecord
from shared.audit import INDEXES as AUDIT_INDEXES
from shared.audit import PENDING as AUDIT_PENDING
from shared.audit import append_audit
from shared.mongo import IndexSpec, Transaction, UnitOfWork, ensure_indexes
from shared.officers import Officer, OfficerRole
from shared.outbox import INDEXES as OUTBOX_INDEXES
from shared.outbox import OUTBOX

RECORDS = "portal_records"
RESEND = "portal.resend"
INDEXES = [
    IndexSpec.on(RECORDS, "due_at"),
    IndexSpec.on(RECORDS, "agency", "received_day"),
]

Document = dict[str, Any]


async def prepare(db: AsyncDatabase[Document]) -> None:
    """Create the collections and indexes before any unit of work writes there (SecantusDB can
    deadlock when a collection is created beside an open transaction writing to it)."""
    existing = set(await db.list_collection_names())
    for name in (RECORDS, OUTBOX, AUDIT_PENDING):
        if name not in existing:
            with contextlib.suppress(CollectionInvalid):  # another process was first
                await db.create_collection(name)
    await ensure_indexes(db, [*INDEXES, *OUTBOX_INDEXES, *AUDIT_INDEXES])


def to_document(stored: StoredRecord) -> Document:
    dossier = stored.record.dossier
    return {
        "_id": stored.record.case_code,
        "record": stored.record.model_dump(mode="python"),
        **asdict(stored.sync),
        # For the service-quality indicators: the cases an agency received in a period.
        "agency": dossier.agency_code if dossier else None,
        "received_day": dossier.received_at.date().isoformat() if dossier else None,
    }


def from_document(doc: Document) -> StoredRecord:
    sync = SyncState(
        pending=doc.get("pending"),
        due_at=doc.get("due_at"),
        claim=doc.get("claim"),
        attempts=doc.get("attempts", 0),
        last_error=doc.get("last_error"),
        delivered=doc.get("delivered"),
    )
    return StoredRecord(PortalRecord.model_validate(doc["record"]), sync, doc["version"])


class MongoPortalBook:
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def get(self, case_code: str) -> StoredRecord | None:
        doc = await self._tx.find_one(RECORDS, {"_id": case_code})
        return None if doc is None else from_document(doc)

    def save(self, stored: StoredRecord) -> None:
        self._tx.replace(RECORDS, to_document(stored), version=stored.version)


class MongoPortalQueue:
    def __init__(self, db: AsyncDatabase[Document], uow: UnitOfWork) -> None:
        self._db = db
        self._uow = uow

    async def claim(self, token: str, now: datetime, until: datetime) -> Claim | None:
        async def work(tx: Transaction) -> Claim | None:
            due = {"due_at": {"$lte": now}, "pending": {"$ne": None}}
            found = await tx.find(RECORDS, due, sort=[("due_at", ASCENDING)], limit=1)
            if not found:
                return None
            stored = from_document(found[0])
            event_id = str(stored.sync.pending)
            stored.sync = stored.sync.claimed(token, until)
            tx.replace(RECORDS, to_document(stored), version=stored.version)
            payload = portal_payload(stored.record)
            return Claim(stored.record.case_code, event_id, token, payload, stored.sync.attempts)

        return await self._uow.run(work)

    async def settle(self, claim: Claim, state: Settlement) -> bool:
        async def work(tx: Transaction) -> bool:
            doc = await tx.find_one(RECORDS, {"_id": claim.case_code, "claim": claim.token})
            if doc is None:
                return False
            stored = from_document(doc)
            stored.sync = state.apply(stored.sync, claim.event_id)
            tx.replace(RECORDS, to_document(stored), version=stored.version)
            if state.dead:
                tx.publish_records(refusal_record(claim, state))
            return True

        return await self._uow.run(work)

    async def resend(self, case_code: str, key: str, now: datetime, who: Officer) -> Resend:
        async def work(tx: Transaction) -> Resend:
            doc = await tx.find_one(RECORDS, {"_id": case_code})
            if doc is None:
                return Resend.UNKNOWN
            stored = from_document(doc)
            if not stored.sync.refused:
                return Resend.NOT_REFUSED
            before = {"last_error": stored.sync.last_error}
            stored.sync = stored.sync.resent(key, now)
            tx.replace(RECORDS, to_document(stored), version=stored.version)
            after = {"pending": key}
            await append_audit(
                tx, who, OfficerRole.ADMIN, RESEND, case_code=case_code, before=before, after=after
            )
            return Resend.QUEUED

        return await self._uow.run(work)

    async def pending(self) -> int:
        return await self._db[RECORDS].count_documents({"due_at": {"$ne": None}})


class MongoPortalReader:
    """Reads of the portal records for the service-quality indicators."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._records = db[RECORDS]

    async def publicity(
        self, first_day: str, last_day: str, agency: str | None
    ) -> dict[str, tuple[int, int]]:
        match: Document = {"received_day": {"$gte": first_day, "$lte": last_day}}
        if agency is not None:
            match["agency"] = agency
        published = {"$and": [{"$eq": ["$pending", None]}, {"$ne": ["$delivered", None]}]}
        pipeline: list[Document] = [
            {"$match": match},
            {
                "$group": {
                    "_id": "$agency",
                    "received": {"$sum": 1},
                    "published": {"$sum": {"$cond": [published, 1, 0]}},
                }
            },
        ]
        cursor = await self._records.aggregate(pipeline)
        return {doc["_id"]: (doc["received"], doc["published"]) async for doc in cursor}
