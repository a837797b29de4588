"""What the write path relies on from the store, checked on the real one (SecantusDB locally).

FerretDB 1.24 failed every one of these (lost increments, double claims, no transactions, no TTL);
a store that fails one must not be used.
"""

import asyncio
from collections.abc import AsyncIterator

import pytest
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import (
    Conflict,
    Document,
    IndexSpec,
    Transaction,
    UnitOfWork,
    ensure_indexes,
    mongo_client,
    service_database,
)
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def db(settings: ServiceSettings) -> AsyncIterator[AsyncDatabase[Document]]:
    client = mongo_client(settings)
    yield service_database(client, settings)
    await client.close()


async def test_concurrent_increments_of_one_document_are_all_kept(
    db: AsyncDatabase[Document],
) -> None:
    counters = db["counters"]

    async def writer() -> None:
        for _ in range(15):
            await counters.update_one({"_id": "c"}, {"$inc": {"n": 1}}, upsert=True)

    # FerretDB on SQLite kept 37-51 % of these (read, change, write); MongoDB keeps all.
    await asyncio.gather(*(writer() for _ in range(20)))
    assert await counters.find_one({"_id": "c"}) == {"_id": "c", "n": 300}


async def test_concurrent_claims_take_each_document_once(db: AsyncDatabase[Document]) -> None:
    jobs = db["jobs"]
    await jobs.insert_many([{"_id": n, "state": "due"} for n in range(60)])
    claimed: list[int] = []

    async def worker(name: int) -> None:
        while doc := await jobs.find_one_and_update(
            {"state": "due"},
            {"$set": {"state": "claimed", "by": name}},
            return_document=ReturnDocument.AFTER,
        ):
            claimed.append(doc["_id"])

    await asyncio.gather(*(worker(n) for n in range(20)))
    assert sorted(claimed) == list(range(60))


async def test_versioned_writers_in_units_of_work_lose_nothing(
    db: AsyncDatabase[Document],
) -> None:
    uow = UnitOfWork(db, attempts=100)

    async def bump(tx: Transaction) -> None:
        doc = await tx.find_one("versioned", {"_id": "v"}) or {"_id": "v", "n": 0, "version": 0}
        tx.replace("versioned", {**doc, "n": doc["n"] + 1}, version=doc["version"])

    async def writer() -> None:
        for _ in range(20):
            await uow.run(bump)

    await asyncio.gather(*(writer() for _ in range(10)))
    doc = await db["versioned"].find_one({"_id": "v"})
    assert doc is not None
    assert (doc["n"], doc["version"]) == (200, 200)


async def test_a_unit_of_work_that_fails_stores_nothing_of_what_it_wrote(
    db: AsyncDatabase[Document],
) -> None:
    async def half(tx: Transaction) -> None:
        tx.insert("atomic", {"_id": "first"})
        assert await tx.find_one("atomic", {"_id": "first"}), "a unit reads its own writes"
        tx.insert("atomic", {"_id": "second"})
        raise RuntimeError("refused after writing")

    with pytest.raises(RuntimeError):
        await UnitOfWork(db).run(half)
    assert await db["atomic"].count_documents({}) == 0


async def test_a_stale_version_is_a_conflict_once_attempts_run_out(
    db: AsyncDatabase[Document],
) -> None:
    await db["stale"].insert_one({"_id": "s", "version": 3})

    async def stale(tx: Transaction) -> None:
        tx.replace("stale", {"_id": "s"}, version=2)

    with pytest.raises(Conflict):
        await UnitOfWork(db, attempts=2).run(stale)
    assert await db["stale"].find_one({"_id": "s"}) == {"_id": "s", "version": 3}


async def test_unique_and_ttl_indexes_are_created_and_hold(db: AsyncDatabase[Document]) -> None:
    specs = [
        IndexSpec.on("keys", "key", unique=True),
        IndexSpec("expiring", (("at", 1),), expire_after_s=60),
    ]
    await ensure_indexes(db, specs)
    await ensure_indexes(db, specs)  # again: harmless
    ttl = (await db["expiring"].index_information())["at_1"]
    assert ttl["expireAfterSeconds"] == 60

    async def insert_key(tx: Transaction) -> None:
        tx.insert("keys", {"key": "k"})

    await UnitOfWork(db).run(insert_key)
    with pytest.raises(Conflict):
        await UnitOfWork(db, attempts=1).run(insert_key)


async def test_group_counts_are_right(db: AsyncDatabase[Document]) -> None:
    await db["grouped"].insert_many([{"k": n % 3} for n in range(30)])
    rows = await (
        await db["grouped"].aggregate([{"$group": {"_id": "$k", "n": {"$sum": 1}}}])
    ).to_list()
    assert sorted((r["_id"], r["n"]) for r in rows) == [(0, 10), (1, 10), (2, 10)]
