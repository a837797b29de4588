"""Cases in MongoDB: one document per case holding its state, its outbox and applied event ids.

The case, its pending events and the id of the event that changed it are written in ONE
single-document operation, so none is stored without the others (FerretDB has no transactions).
"""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.intake.domain.case import Case
from services.intake.service_layer.ports import (
    CodeTaken,
    DuplicateIdempotencyKey,
    StaleCase,
    StoredCase,
)
from shared.events.envelope import Envelope
from shared.idempotency import once_filter, once_update, was_applied
from shared.mongo.indexes import IndexSpec
from shared.mongo.updates import merge_updates
from shared.outbox import outbox_fields, outbox_index, outbox_update

CASES = "cases"
INDEXES = [
    IndexSpec.on(CASES, "idempotency_key", unique=True),
    outbox_index(CASES),
]
# Only what the use cases read back; the outbox can be long while events wait for the broker.
_CASE_ONLY = {"case": True, "version": True}


def _document(case: Case) -> dict[str, Any]:
    return {
        "case": case.model_dump(mode="json", exclude={"version"}),
        "version": case.version,
        "status": case.status,
    }


def _case(doc: dict[str, Any]) -> Case:
    return Case.model_validate({**doc["case"], "version": doc["version"]})


class MongoCaseRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def insert(
        self, case: Case, idempotency_key: str, fingerprint: str, events: list[Envelope]
    ) -> None:
        doc = {
            "_id": case.code,
            "idempotency_key": idempotency_key,
            "fingerprint": fingerprint,
            **_document(case),
            **outbox_fields(*events),
        }
        try:
            await self._collection.insert_one(doc)
        except DuplicateKeyError:
            if await self.by_idempotency_key(idempotency_key) is not None:
                raise DuplicateIdempotencyKey(idempotency_key) from None
            if await self.get(case.code) is not None:
                raise CodeTaken(case.code) from None
            raise

    async def by_idempotency_key(self, key: str) -> StoredCase | None:
        doc = await self._collection.find_one(
            {"idempotency_key": key}, projection={**_CASE_ONLY, "fingerprint": True}
        )
        return None if doc is None else StoredCase(_case(doc), doc["fingerprint"])

    async def get(self, code: str) -> Case | None:
        doc = await self._collection.find_one({"_id": code}, projection=_CASE_ONLY)
        return None if doc is None else _case(doc)

    async def find_for_applicant(self, code: str, citizen_id: str) -> Case | None:
        doc = await self._collection.find_one(
            {"_id": code, "case.submitted.applicant.citizen_id": citizen_id},
            projection=_CASE_ONLY,
        )
        return None if doc is None else _case(doc)

    async def save(self, case: Case, events: list[Envelope], applied_event: str | None) -> bool:
        key = {"_id": case.code, "version": case.version}
        stored = case.model_copy(update={"version": case.version + 1})
        update = merge_updates({"$set": _document(stored)}, outbox_update(*events))
        if applied_event is not None:
            key, update = once_filter(key, applied_event), once_update(update, applied_event)
        result = await self._collection.update_one(key, update)
        if result.matched_count:
            return True
        if applied_event is not None and await was_applied(
            self._collection, applied_event, {"_id": case.code}
        ):
            return False
        raise StaleCase(case.code)
