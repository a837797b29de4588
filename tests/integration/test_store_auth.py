"""The store with --auth (SecantusDB, SCRAM-SHA-256): a client without credentials is refused; a
service's user, given apart from the URI as in production, works in its own database only.

The store is one of the module's own (tests/integration/secured_stack.py), not the shared one.
"""

import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure

from devstack.store import SecantusDB
from devstack.store.users import ADMIN_USER
from shared.mongo import IndexSpec, Transaction, UnitOfWork, ensure_indexes, mongo_client
from shared.mongo import service_database as database_of
from shared.settings import ServiceSettings
from tests.integration.secured_stack import secured_stack

pytestmark = pytest.mark.integration

UNAUTHORIZED = 13
AUTHENTICATION_FAILED = 18
SERVICE_DB = "intake"
OTHER_DB = "workflow"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecantusDB]:
    with secured_stack(tmp_path_factory.mktemp("auth-store"), (SecantusDB,)) as stack:
        [component] = stack.components
        assert isinstance(component, SecantusDB)
        yield component


@pytest.fixture(scope="module")
async def service_settings(store: SecantusDB) -> AsyncIterator[ServiceSettings]:
    """The intake service's user, created by the admin as compose's init script does: readWrite on
    its own database and nothing else."""
    password = secrets.token_hex(16)
    admin: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(store.uri_for(ADMIN_USER))
    try:
        await admin.admin.command(
            "createUser", "intake", pwd=password, roles=[{"role": "readWrite", "db": SERVICE_DB}]
        )
    finally:
        await admin.close()
    yield ServiceSettings(
        service_name="intake",
        mongodb_uri=store.uri_for(None),  # no credentials in the URI: they come apart
        mongodb_username="intake",
        mongodb_password=SecretStr(password),
        mongodb_auth_source="admin",
        mongodb_database=SERVICE_DB,
    )


async def failure_of(uri: str, database: str) -> OperationFailure:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        with pytest.raises(OperationFailure) as refused:
            await client[database]["cases"].find_one({})
    finally:
        await client.close()
    return refused.value


async def test_a_client_without_credentials_is_refused(store: SecantusDB) -> None:
    refused = await failure_of(store.uri_for(None), SERVICE_DB)
    assert refused.code == UNAUTHORIZED


async def test_a_wrong_password_is_refused(store: SecantusDB) -> None:
    address = store.uri_for(None).removeprefix("mongodb://")
    refused = await failure_of(f"mongodb://onestop:wrong@{address}&authSource=admin", SERVICE_DB)
    assert refused.code == AUTHENTICATION_FAILED


async def test_the_service_user_runs_units_of_work_in_its_database(
    service_settings: ServiceSettings,
) -> None:
    client = mongo_client(service_settings)
    try:
        db = database_of(client, service_settings)
        await ensure_indexes(db, [IndexSpec.on("cases", "code", unique=True)])

        async def receive(tx: Transaction) -> None:
            tx.insert("cases", {"_id": "SNV.NA-251202-0001", "code": "SNV.NA-251202-0001"})

        await UnitOfWork(db).run(receive)
        stored = await db["cases"].find_one({"_id": "SNV.NA-251202-0001"})
        assert stored is not None and stored["code"] == "SNV.NA-251202-0001"
        with pytest.raises(OperationFailure) as refused:
            await client[OTHER_DB]["instances"].insert_one({"_id": "not yours"})
        assert refused.value.code == UNAUTHORIZED, "another service's database stays closed"
    finally:
        await client.close()


async def test_the_local_stack_hands_out_a_uri_that_logs_in(store: SecantusDB) -> None:
    uri = store.environment()["MONGODB_URI"]
    assert "@" in uri, "the credentials are in the URI the stack writes to stack.env"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    try:
        await client["t_store_auth"]["checks"].insert_one({"ok": True})
        assert await client["t_store_auth"]["checks"].count_documents({}) == 1
    finally:
        await client.close()
