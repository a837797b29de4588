"""Cases in MongoDB: one document per case, changed only inside units of work.

Its events go to the service's outbox and the ids of the workflow events applied to it to the
processed marks, both in the same transaction (``shared.mongo.UnitOfWork``). The document's
``version`` is checked and bumped by every write, so a unit that read an older copy runs again.
"""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from pymongo.asynchronous.collection import AsyncCollection

from services.intake.domain.case import Case
from services.intake.service_layer.ports import CaseStore, ReceptionKey, StoredCase
from shared.audit import AuditTrail
from shared.events.envelope import Envelope
from shared.mongo import Document, IndexSpec, Transaction, UnitOfWork
from shared.officers import Officer, OfficerRole

T = TypeVar("T")

CASES = "cases"
INDEXES = [IndexSpec.on(CASES, "idempotency_key", unique=True)]


def _document(case: Case, key: ReceptionKey) -> Document:
    return {
        "_id": case.code,
        "idempotency_key": key.idempotency_key,
        "fingerprint": key.fingerprint,
        "case": case.model_dump(mode="json", exclude={"version"}),
        "status": case.status,
    }


def _applicants_case(code: str, identifier: str) -> Document:
    """The case, if ``identifier`` is its applicant's ID number or, for an organisation, its tax
    code (the two never look alike: 12 or 9 digits, against 10 or 10-3)."""
    applicant = "case.submitted.applicant"
    return {
        "_id": code,
        "$or": [{f"{applicant}.citizen_id": identifier}, {f"{applicant}.tax_code": identifier}],
    }


def _case(doc: Document) -> Case:
    return Case.model_validate({**doc["case"], "version": doc["version"]})


class MongoCaseStore:
    """``CaseStore`` on one transaction of a unit of work."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx
        # A save replaces the whole document: the reception key of each case read goes with it.
        self._keys: dict[str, ReceptionKey] = {}

    async def get(self, code: str) -> Case | None:
        return self._read(await self._tx.find_one(CASES, {"_id": code}))

    async def for_applicant(self, code: str, identifier: str) -> Case | None:
        return self._read(await self._tx.find_one(CASES, _applicants_case(code, identifier)))

    async def by_idempotency_key(self, key: str) -> StoredCase | None:
        doc = await self._tx.find_one(CASES, {"idempotency_key": key})
        case = self._read(doc)
        return None if case is None else StoredCase(case, doc["fingerprint"])

    def add(self, case: Case, key: ReceptionKey, events: list[Envelope[Any]]) -> None:
        self._keys[case.code] = key
        self._tx.replace(CASES, _document(case, key), version=0)
        self._tx.publish(*events)

    def save(self, case: Case, events: list[Envelope[Any]]) -> None:
        document = _document(case, self._keys[case.code])
        self._tx.replace(CASES, document, version=case.version)
        self._tx.publish(*events)

    async def record(
        self,
        officer: Officer,
        role: OfficerRole,
        action: str,
        *,
        case_code: str | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None:
        await AuditTrail(self._tx).record(
            officer, role, action, case_code=case_code, before=before, after=after
        )

    def _read(self, doc: Document | None) -> Case | None:
        if doc is None:
            return None
        self._keys[doc["_id"]] = ReceptionKey(doc["idempotency_key"], doc["fingerprint"])
        return _case(doc)


class MongoCaseUnits:
    """``CaseUnits`` on the service's unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def run(self, work: Callable[[CaseStore], Awaitable[T]]) -> T:
        return await self._uow.run(lambda tx: work(MongoCaseStore(tx)))


class MongoCaseReader:
    """Reads for the views (receipt, clerk's view, citizen's lookup): one query, no transaction."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def get(self, code: str) -> Case | None:
        return _or_none(await self._collection.find_one({"_id": code}))

    async def find_for_applicant(self, code: str, identifier: str) -> Case | None:
        return _or_none(await self._collection.find_one(_applicants_case(code, identifier)))


def _or_none(doc: dict[str, Any] | None) -> Case | None:
    return None if doc is None else _case(doc)
