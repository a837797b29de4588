"""The delivery log in MongoDB: entries (``deliveries``), what they send (``messages``), claims.

A claim is one atomic ``find_one_and_update`` of the entry (MongoDB's guarantee: of concurrent
claimants exactly one matches): it moves a due entry to ``sending`` under a fresh token, with its
``due_at`` set to the end of the lease, so a claim whose holder died lapses into a due entry again.
An outcome is recorded in a unit of work only while the entry still carries the claim's token.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.notify.adapters import optouts
from services.notify.domain.delivery import RESENDABLE, Delivery, DeliveryStatus, Message
from services.notify.domain.milestones import Receipt
from services.notify.service_layer.ports import Claimed, Outcome
from shared.audit import AuditTrail
from shared.events.intake import PhoneChannel
from shared.events.values import ApplicantKind, NotificationChannel
from shared.mongo import IndexSpec, Transaction, UnitOfWork
from shared.officers import Officer, OfficerRole

DELIVERIES = "deliveries"
MESSAGES = "messages"
# Per case, what its receipt said that later events do not carry: the phone channels chosen and
# the applicant's kind. Named for what it first kept; documents from then have no kind.
RECEIPTS = "phone_channels"

Document = dict[str, Any]

INDEXES = [
    IndexSpec.on(DELIVERIES, "due_at"),
    IndexSpec.on(DELIVERIES, "case_code", "created_at"),
    IndexSpec.on(DELIVERIES, "recipient_hash", "created_at"),
    # TTL on a per-document expiry date rather than on created_at: a changed retention setting
    # then applies to new entries instead of failing on the index's changed declaration.
    IndexSpec(DELIVERIES, (("expires_at", ASCENDING),), name="deliveries_ttl", expire_after_s=0),
    IndexSpec(MESSAGES, (("expires_at", ASCENDING),), name="messages_ttl", expire_after_s=0),
    IndexSpec(RECEIPTS, (("expires_at", ASCENDING),), name="phone_channels_ttl", expire_after_s=0),
]


class MongoDeliveryLog:
    def __init__(self, db: AsyncDatabase[Document], uow: UnitOfWork) -> None:
        self.collection: AsyncCollection[Document] = db[DELIVERIES]
        self.messages: AsyncCollection[Document] = db[MESSAGES]
        self._uow = uow

    # The handler's side, inside the consumer's unit of work.

    async def opted_out(
        self, tx: Transaction, addresses: Sequence[tuple[NotificationChannel, str]]
    ) -> set[tuple[NotificationChannel, str]]:
        keys = {optouts.key(channel, address): (channel, address) for channel, address in addresses}
        found = await tx.by_ids(optouts.COLLECTION, keys) if keys else {}
        return {keys[key] for key in found}

    def add(self, tx: Transaction, delivery: Delivery, message: Message | None) -> None:
        """Insert the entry (and its message): the ids come from the event, so a second insert of
        one event's entries is a conflict, which the consumer's processed marks already prevent."""
        tx.insert(DELIVERIES, _document(delivery))
        if message is not None:
            tx.insert(MESSAGES, _document(message))

    async def receipt(self, tx: Transaction, case_code: str) -> Receipt | None:
        doc = await tx.find_one(RECEIPTS, {"_id": case_code})
        if doc is None:
            return None
        kind = ApplicantKind(doc.get("applicant_kind", ApplicantKind.INDIVIDUAL))
        return Receipt([PhoneChannel(c) for c in doc["channels"]], kind)

    def remember_receipt(
        self, tx: Transaction, case_code: str, receipt: Receipt, until: datetime
    ) -> None:
        said = {
            "channels": [str(c) for c in receipt.phone_channels],
            "applicant_kind": str(receipt.applicant_kind),
            "expires_at": until,
        }
        tx.update(RECEIPTS, {"_id": case_code}, {"$set": said}, upsert=True)

    # The dispatcher's side.

    async def claim(self, owner: str, now: datetime, until: datetime) -> Claimed | None:
        token = f"{owner}/{uuid.uuid4()}"
        before = await self.collection.find_one_and_update(
            {"due_at": {"$lte": now}},
            {
                "$set": {
                    "status": str(DeliveryStatus.SENDING),
                    "claim": token,
                    "due_at": until,
                    "updated_at": now,
                },
                "$inc": {"attempts": 1},
            },
            sort=[("due_at", ASCENDING)],
            return_document=ReturnDocument.BEFORE,
        )
        if before is None:
            return None
        taken_over = before["status"] == DeliveryStatus.SENDING
        after = {**before, "status": DeliveryStatus.SENDING, "claim": token, "due_at": until}
        after |= {"updated_at": now, "attempts": before.get("attempts", 0) + 1}
        message = await self._kept_message(before["_id"], now)
        return Claimed(_delivery(after), message, taken_over)

    async def record(self, delivery: Delivery, outcome: Outcome) -> bool:
        mine = {"_id": delivery.id, "claim": delivery.claim}

        async def work(tx: Transaction) -> bool:
            if await tx.find_one(DELIVERIES, mine, projection={"_id": True}) is None:
                return False
            update = {
                "$set": {**outcome.changes, "claim": None},
                "$push": {"attempt_log": outcome.attempt.model_dump()},
            }
            tx.update(DELIVERIES, mine, update, must_match=True)
            if outcome.release is not None:
                standby = {
                    "_id": outcome.release.delivery_id,
                    "status": str(DeliveryStatus.STANDBY),
                }
                tx.update(DELIVERIES, standby, {"$set": outcome.release.changes})
            tx.publish_records(*outcome.records)
            return True

        return await self._uow.run(work)

    # Officers' side: reads, and changes recorded in the audit trail with them.

    async def request_resend(
        self, delivery_id: str, now: datetime, officer: Officer, role: OfficerRole
    ) -> Delivery | None:
        """Make a sent or dead entry due again now, with the officer's entry in the audit trail;
        None if it is in no state to be resent."""

        async def work(tx: Transaction) -> Delivery | None:
            resendable = {"_id": delivery_id, "status": {"$in": [str(s) for s in RESENDABLE]}}
            doc = await tx.find_one(DELIVERIES, resendable)
            if doc is None:
                return None
            before = {"status": doc["status"], "resends": doc.get("resends", 0)}
            changes = {
                "status": str(DeliveryStatus.PENDING),
                "attempts": 0,
                "due_at": now,
                "updated_at": now,
                "last_error": None,
                "reason": None,
                "resends": before["resends"] + 1,
            }
            # Unchanged since read: a dispatcher's claim in between makes the unit read again.
            tx.update(
                DELIVERIES, {"_id": delivery_id, **before}, {"$set": changes}, must_match=True
            )
            after = {"status": changes["status"], "resends": changes["resends"]}
            await AuditTrail(tx).record(
                officer, role, "resend", case_code=doc.get("case_code"), before=before, after=after
            )
            return _delivery({**doc, **changes})

        return await self._uow.run(work)

    async def message(self, delivery_id: str, now: datetime) -> Message | None:
        return await self._kept_message(delivery_id, now)

    async def _kept_message(self, delivery_id: str, now: datetime) -> Message | None:
        """The message while its retention lasts. The TTL monitor deletes it some time after
        ``expires_at`` (MongoDB: within a minute or so); until then it is no longer read."""
        return _message(
            await self.messages.find_one({"_id": delivery_id, "expires_at": {"$gt": now}})
        )

    async def get(self, delivery_id: str) -> Delivery | None:
        doc = await self.collection.find_one({"_id": delivery_id})
        return None if doc is None else _delivery(doc)

    async def for_case(self, case_code: str) -> list[Delivery]:
        return await self._listed({"case_code": case_code})

    async def for_recipient(self, recipient_hash: str) -> list[Delivery]:
        """Every message to one address, found by its keyed hash (``privacy.DeliveryKeys``)."""
        return await self._listed({"recipient_hash": recipient_hash})

    async def _listed(self, query: Document) -> list[Delivery]:
        cursor = self.collection.find(query).sort(
            [("created_at", ASCENDING), ("channel", ASCENDING)]
        )
        return [_delivery(doc) async for doc in cursor]


def _document(model: Delivery | Message) -> Document:
    doc = model.model_dump(mode="python", exclude={"id"})
    doc["_id"] = model.id
    return doc


def _delivery(doc: Document) -> Delivery:
    return Delivery.model_validate({**doc, "id": doc["_id"]})


def _message(doc: Document | None) -> Message | None:
    return None if doc is None else Message.model_validate({**doc, "id": doc["_id"]})
