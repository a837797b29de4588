"""The delivery log in MongoDB: entries, the claims that make each attempt one sender's, outcomes.

FerretDB 1.24 applies an update as a query followed by a separate write, so two replicas'
conditional updates of one document could both succeed. Claims are therefore inserts under a
unique ``_id`` (atomic on FerretDB and MongoDB alike): one per attempt of a delivery, and whoever
inserts it is the only one to send that attempt and to write the entry until the lease ends.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.notify.domain.delivery import (
    RESENDABLE,
    SENDABLE,
    AttemptRecord,
    Delivery,
    DeliveryStatus,
)
from shared.mongo import IndexSpec, merge_updates
from shared.outbox import outbox_index, outbox_push
from shared.outbox.entries import OUTBOX

COLLECTION = "deliveries"
CLAIMS = "delivery_claims"
# The triggering event as it arrived, for the dead-letter topic if the message dies.
TRIGGER_VALUE = "trigger_value"
# Takeovers of one attempt after expired leases; far more means something else is wrong.
MAX_TAKEOVERS = 100
DUPLICATE_KEY = 11000

Document = dict[str, Any]

INDEXES = [
    IndexSpec.on(COLLECTION, "case_code", "trigger_event_id", "channel", unique=True),
    IndexSpec.on(COLLECTION, "status", "next_attempt_at"),
    IndexSpec.on(COLLECTION, "case_code", "created_at"),
    outbox_index(COLLECTION),
]


class MongoDeliveryLog:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db[COLLECTION]
        self.claims: AsyncCollection[Document] = db[CLAIMS]

    async def add_all(
        self, entries: Sequence[tuple[Delivery, Sequence[Document]]], trigger_value: str
    ) -> set[str]:
        """Store new entries, each with its events, in one round trip; returns the ids stored.

        An id left out was already in the log: the unique key (case, triggering event, channel)
        is where a redelivered event or a second replica learns that the message is someone's.
        """
        docs = []
        for delivery, outbox in entries:
            doc = {**_document(delivery), TRIGGER_VALUE: trigger_value}
            if outbox:
                doc[OUTBOX] = list(outbox)
            docs.append(doc)
        try:
            await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            if any(e["code"] != DUPLICATE_KEY for e in exc.details["writeErrors"]):
                raise
            refused = {docs[e["index"]]["_id"] for e in exc.details["writeErrors"]}
            return {doc["_id"] for doc in docs} - refused
        return {doc["_id"] for doc in docs}

    async def claim(self, delivery: Delivery, owner: str, now: datetime, until: datetime) -> bool:
        """Claim the entry's next attempt for ``owner`` until ``until``; False if another has it.

        An expired claim (its owner crashed mid-attempt) is taken over by inserting the next one.
        """
        attempt = f"{delivery.id}/{delivery.resends}/{delivery.attempts}"
        for takeover in range(MAX_TAKEOVERS):
            claim_id = f"{attempt}/{takeover}"
            try:
                await self.claims.insert_one(
                    {"_id": claim_id, "delivery_id": delivery.id, "owner": owner, "until": until}
                )
            except DuplicateKeyError:
                held = await self.claims.find_one({"_id": claim_id})
                if held is None or held["until"] >= now:
                    return False
            else:
                return True
        return False

    async def due(self, now: datetime, limit: int) -> list[Delivery]:
        """Entries waiting to be sent, the longest-waiting first."""
        cursor = (
            self.collection.find(
                {"status": {"$in": [str(s) for s in SENDABLE]}, "next_attempt_at": {"$lte": now}},
                projection={TRIGGER_VALUE: False, OUTBOX: False},
            )
            .sort([("next_attempt_at", ASCENDING)])
            .limit(limit)
        )
        return [_delivery(doc) async for doc in cursor]

    async def trigger_value(self, delivery_id: str) -> str:
        doc = await self.collection.find_one({"_id": delivery_id}, {TRIGGER_VALUE: True})
        if doc is None:
            raise KeyError(delivery_id)
        return str(doc[TRIGGER_VALUE])

    async def record_outcome(
        self,
        delivery_id: str,
        changes: Document,
        attempt: AttemptRecord,
        *,
        outbox: Sequence[Document] = (),
    ) -> None:
        """Store an attempt's outcome and its events in one write (by the attempt's claimant)."""
        update = merge_updates(
            {"$set": changes},
            {"$push": {"attempt_log": attempt.model_dump()}},
            outbox_push(list(outbox)),
        )
        await self.collection.update_one({"_id": delivery_id}, update)

    async def request_resend(self, delivery_id: str, now: datetime) -> Delivery | None:
        """Make a sent or dead entry due again now; None if it is in no state to be resent."""
        doc = await self.collection.find_one_and_update(
            {"_id": delivery_id, "status": {"$in": [str(s) for s in RESENDABLE]}},
            {
                "$set": {
                    "status": str(DeliveryStatus.PENDING),
                    "attempts": 0,
                    "next_attempt_at": now,
                    "updated_at": now,
                    "last_error": None,
                    "reason": None,
                },
                "$inc": {"resends": 1},
            },
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else _delivery(doc)

    async def get(self, delivery_id: str) -> Delivery | None:
        doc = await self.collection.find_one({"_id": delivery_id})
        return None if doc is None else _delivery(doc)

    async def for_case(self, case_code: str) -> list[Delivery]:
        cursor = self.collection.find({"case_code": case_code}).sort(
            [("created_at", ASCENDING), ("channel", ASCENDING)]
        )
        return [_delivery(doc) async for doc in cursor]


def _document(delivery: Delivery) -> Document:
    doc = delivery.model_dump(mode="python", exclude={"id"})
    doc["_id"] = delivery.id
    return doc


def _delivery(doc: Document) -> Delivery:
    return Delivery.model_validate({**doc, "id": doc["_id"]})
