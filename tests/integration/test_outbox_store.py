"""The relay's MongoDB ports on FerretDB 1.24: reading outboxes, and its insert-only ledger."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.examples import EXAMPLES
from shared.mongo import mongo_client, service_database
from shared.outbox import MongoOutboxSource, MongoRelayLedger, outbox_fields, outbox_update
from shared.outbox.entries import QUEUED_AT
from shared.outbox.ledger import LEASES, PUBLISHED
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration

RATED = EXAMPLES[CATALOGUE.for_topic("case-rated")[0].data_model]
NOW = datetime(2025, 7, 14, 2, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


@pytest.fixture(scope="module")
async def module_db(settings: ServiceSettings) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = mongo_client(settings)
    yield service_database(client, settings)
    await client.close()


@pytest.fixture
async def db(module_db: AsyncDatabase[dict[str, Any]]) -> AsyncDatabase[dict[str, Any]]:
    for name in ("cases", LEASES, PUBLISHED):
        await module_db[name].delete_many({})
    return module_db


def events(count: int) -> list:
    return [new_event(RATED) for _ in range(count)]


async def test_the_source_finds_documents_by_when_their_entries_were_queued(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    old, new = events(1), events(2)
    await db["cases"].insert_one({"_id": "A", **outbox_fields(*old)})
    await db["cases"].insert_one({"_id": "B", "status": "received"})
    await db["cases"].insert_one({"_id": "C", "outbox": []})
    source = MongoOutboxSource(db["cases"])
    [only_a] = await source.queued_since(None)
    since = only_a.entries[0][QUEUED_AT] + timedelta(milliseconds=1)
    assert await source.queued_since(since) == []

    await db["cases"].update_one({"_id": "A"}, outbox_update(*new))

    [recent] = await source.queued_since(since)
    assert recent.doc_id == "A"
    assert [e["id"] for e in recent.entries] == [str(e.id) for e in new]
    full = await source.entries("A")
    assert [e["id"] for e in full] == [str(e.id) for e in old + new]
    assert all(e["value"] and e["headers"] for e in full)
    assert await source.entries("missing") == []


async def test_a_lease_is_held_by_one_owner_until_it_expires(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    ledger = MongoRelayLedger(db)
    assert await ledger.lease("cases/A", "one", NOW, NOW + LEASE)
    assert not await ledger.lease("cases/A", "two", NOW + LEASE / 2, NOW + LEASE)
    assert await ledger.lease("cases/B", "two", NOW, NOW + LEASE), "other documents are free"
    assert await ledger.lease("cases/A", "two", NOW + LEASE * 2, NOW + LEASE * 3)
    await ledger.release("cases/A", "one")
    assert not await ledger.lease("cases/A", "three", NOW + LEASE * 2, NOW + LEASE * 3), (
        "a former owner cannot release the new owner's lease"
    )
    await ledger.release("cases/A", "two")
    assert await ledger.lease("cases/A", "three", NOW + LEASE * 2, NOW + LEASE * 3)


async def test_published_entries_are_recorded_once_and_forgotten_when_old(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    ledger = MongoRelayLedger(db)
    await ledger.mark_published("e1", NOW, NOW)
    await ledger.mark_published("e1", NOW, NOW + LEASE)
    await ledger.mark_published("e2", NOW + LEASE, NOW + LEASE)
    assert await ledger.published(["e1", "e2", "e3"]) == {"e1", "e2"}
    await ledger.forget_published(NOW + LEASE / 2)
    assert await ledger.published(["e1", "e2"]) == {"e2"}


async def test_checkpoints_are_kept_per_collection(db: AsyncDatabase[dict[str, Any]]) -> None:
    ledger = MongoRelayLedger(db)
    assert await ledger.checkpoint("cases") is None
    await ledger.save_checkpoint("cases", NOW)
    await ledger.save_checkpoint("cases", NOW + LEASE)
    await ledger.save_checkpoint("deliveries", NOW)
    assert await ledger.checkpoint("cases") == NOW + LEASE
    assert await ledger.checkpoint("deliveries") == NOW
