"""Register entries in MongoDB: one document per entry, keyed by agency and register reference.

Written only inside units of work, with their ``case-recorded`` events (outbox) and the
administrator's action (audit trail: one entry per page) in the same transaction.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from services.intake.adapters.case_sequences import reserve_numbers
from services.intake.service_layer.ports import RegisterBook, StoredEntry
from shared.audit import AuditTrail
from shared.events.envelope import Envelope
from shared.mongo import IndexSpec, Transaction, UnitOfWork

T = TypeVar("T")

REGISTER = "register_entries"
REGISTER_INDEXES = [IndexSpec.on(REGISTER, "case_code", unique=True)]


class MongoRegisterBook:
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    async def entries(self, keys: list[str]) -> dict[str, StoredEntry]:
        found = await self._tx.by_ids(REGISTER, keys)
        return {
            key: StoredEntry(doc["case_code"], doc["fingerprint"]) for key, doc in found.items()
        }

    @property
    def audit(self) -> AuditTrail:
        return AuditTrail(self._tx)

    async def reserve(self, counts: dict[str, int]) -> dict[str, int]:
        return await reserve_numbers(self._tx, counts)

    def add(self, key: str, entry: StoredEntry, event: Envelope[Any]) -> None:
        document = {"_id": key, "case_code": entry.case_code, "fingerprint": entry.fingerprint}
        self._tx.insert(REGISTER, document)
        self._tx.publish(event)


class MongoRegisterUnits:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def run(self, work: Callable[[RegisterBook], Awaitable[T]]) -> T:
        return await self._uow.run(lambda tx: work(MongoRegisterBook(tx)))
