"""Idempotent effects on FerretDB: the event id recorded in the same single-document write."""

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest
from pymongo.asynchronous.collection import AsyncCollection

from shared.idempotency import APPLIED, Outcome, apply_once, insert_once
from shared.mongo import mongo_client, service_database
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def collection(settings: ServiceSettings) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    client = mongo_client(settings)
    yield service_database(client, settings)["effects"]
    await client.close()


async def test_an_update_is_applied_once_per_event(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    await collection.insert_one({"_id": "A", "reminders": 0})
    first, second = uuid4(), uuid4()
    bump = {"$inc": {"reminders": 1}}
    assert await apply_once(collection, first, {"_id": "A"}, bump) is Outcome.APPLIED
    assert await apply_once(collection, first, {"_id": "A"}, bump) is Outcome.DUPLICATE
    assert await apply_once(collection, second, {"_id": "A"}, bump) is Outcome.APPLIED
    doc = await collection.find_one({"_id": "A"}) or {}
    assert doc["reminders"] == 2
    assert doc[APPLIED] == [str(first), str(second)]


async def test_an_upsert_creates_the_document_once(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    event = uuid4()
    seen = {"$setOnInsert": {"status": "received"}, "$inc": {"seen": 1}}
    assert await apply_once(collection, event, {"_id": "B"}, seen, upsert=True) is Outcome.APPLIED
    again = await apply_once(collection, event, {"_id": "B"}, seen, upsert=True)
    assert again is Outcome.DUPLICATE
    assert await collection.find_one({"_id": "B"}) == {
        "_id": "B",
        "status": "received",
        "seen": 1,
        APPLIED: [str(event)],
    }


async def test_a_condition_that_does_not_hold_is_reported_not_matched(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    await collection.insert_one({"_id": "C", "status": "resolved"})
    outcome = await apply_once(
        collection,
        uuid4(),
        {"_id": "C"},
        {"$set": {"status": "stopped"}},
        condition={"status": "processing"},
    )
    assert outcome is Outcome.NOT_MATCHED
    assert (await collection.find_one({"_id": "C"}) or {})["status"] == "resolved"


async def test_a_second_insert_under_the_same_event_id_is_a_duplicate(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    event = str(uuid4())
    assert await insert_once(collection, {"_id": event, "kind": "sms"}) is Outcome.APPLIED
    assert await insert_once(collection, {"_id": event, "kind": "sms"}) is Outcome.DUPLICATE
    assert await collection.count_documents({"_id": event}) == 1
