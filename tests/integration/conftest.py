"""Fixtures for tests on the real servers (the servers and settings fixtures are in tests/)."""

from collections.abc import AsyncIterator

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import mongo_client
from shared.settings import ServiceSettings


@pytest.fixture(scope="module")
async def database(settings: ServiceSettings) -> AsyncIterator[AsyncDatabase]:
    """The module's own database (left in place when the module ends: see tests/conftest.py)."""
    client = mongo_client(settings)
    yield client[settings.mongodb_database]
    await client.close()
