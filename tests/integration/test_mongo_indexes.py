"""Index declarations and readiness against the real store."""

from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, ServerSelectionTimeoutError

from shared.mongo import IndexSpec, ensure_indexes, mongo_client, ping, service_database
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration

RECEIPT_INDEXES = [
    IndexSpec.on("receipts", "case_code", unique=True),
    IndexSpec.on("receipts", "agency_code", "received_at"),
    IndexSpec("receipts", (("kept_until", 1),), expire_after_s=0),
]


@pytest.fixture(scope="module")
async def db(settings: ServiceSettings) -> AsyncIterator[AsyncDatabase]:
    client = mongo_client(settings)
    yield service_database(client, settings)
    await client.close()


async def test_declared_indexes_exist_and_declaring_them_again_is_harmless(
    db: AsyncDatabase,
) -> None:
    await ensure_indexes(db, RECEIPT_INDEXES)
    await ensure_indexes(db, RECEIPT_INDEXES)
    info = await db["receipts"].index_information()
    keys = {tuple(i["key"]): i.get("unique", False) for i in info.values()}
    assert keys[(("case_code", 1),)] is True
    assert keys[(("agency_code", 1), ("received_at", 1))] is False
    assert keys[(("kept_until", 1),)] is False
    assert info["kept_until_1"]["expireAfterSeconds"] == 0


async def test_a_unique_index_rejects_a_duplicate_key(db: AsyncDatabase) -> None:
    await ensure_indexes(db, RECEIPT_INDEXES)
    await db["receipts"].insert_one({"case_code": "SNV.NA-250714-0009", "agency_code": "SNV.NA"})
    with pytest.raises(DuplicateKeyError):
        await db["receipts"].insert_one({"case_code": "SNV.NA-250714-0009", "agency_code": "X"})
    assert await db["receipts"].count_documents({"case_code": "SNV.NA-250714-0009"}) == 1


async def test_ping_answers_when_the_server_is_up(db: AsyncDatabase) -> None:
    await ping(db)


async def test_ping_fails_when_nothing_listens(settings: ServiceSettings) -> None:
    nowhere = settings.model_copy(update={"mongodb_uri": "mongodb://127.0.0.1:9/"})
    client = mongo_client(nowhere, serverSelectionTimeoutMS=200)
    with pytest.raises((TimeoutError, ServerSelectionTimeoutError)):
        await ping(service_database(client, nowhere), timeout_s=1)
    await client.close()
