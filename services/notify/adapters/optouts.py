"""Addresses whose owners asked to receive no more messages, in MongoDB.

One document per address; the notifier reads them inside its unit of work
(``delivery_log.MongoDeliveryLog.opted_out``).
"""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.notify.domain.optout import OptOut
from shared.audit import AuditTrail
from shared.events.values import NotificationChannel
from shared.mongo import Transaction, UnitOfWork
from shared.observability.masking import mask
from shared.officers import Officer, OfficerRole

COLLECTION = "optouts"

Document = dict[str, Any]


def key(channel: NotificationChannel, address: str) -> str:
    return f"{channel}:{address}"


class MongoOptOuts:
    """Keyed by channel and normalised address, so each address is opted out once. Officers'
    changes go into the audit trail in the same unit of work, the address masked."""

    def __init__(self, db: AsyncDatabase[Document], uow: UnitOfWork) -> None:
        self.collection: AsyncCollection[Document] = db[COLLECTION]
        self._uow = uow

    async def add(self, opt_out: OptOut, officer: Officer, role: OfficerRole) -> OptOut:
        """Record the opt-out; a repeated request keeps the first one's time and author."""
        _id = key(opt_out.channel, opt_out.address)

        async def work(tx: Transaction) -> OptOut:
            found = await tx.find_one(COLLECTION, {"_id": _id})
            if found is not None:
                return OptOut.model_validate(found)
            tx.insert(COLLECTION, {"_id": _id, **opt_out.model_dump(mode="python")})
            after = {"channel": str(opt_out.channel), "address": mask(opt_out.address)}
            await AuditTrail(tx).record(officer, role, "opt_out", after=after)
            return opt_out

        return await self._uow.run(work)

    async def remove(
        self, channel: NotificationChannel, address: str, officer: Officer, role: OfficerRole
    ) -> bool:
        _id = key(channel, address)

        async def work(tx: Transaction) -> bool:
            if await tx.find_one(COLLECTION, {"_id": _id}, projection={"_id": True}) is None:
                return False
            tx.delete(COLLECTION, {"_id": _id}, must_match=True)
            before = {"channel": str(channel), "address": mask(address)}
            await AuditTrail(tx).record(officer, role, "opt_in", before=before)
            return True

        return await self._uow.run(work)

    async def get(self, channel: NotificationChannel, address: str) -> OptOut | None:
        doc = await self.collection.find_one({"_id": key(channel, address)})
        return None if doc is None else OptOut.model_validate(doc)
