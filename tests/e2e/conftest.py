"""What the end-to-end modules share: per module, the notification sinks, an HTTP client and a
store client."""

from collections.abc import AsyncIterator

import httpx
import pytest
from pymongo import AsyncMongoClient

from devstack.sinks.running import RunningSinks, running_sinks
from shared.settings import ServiceSettings
from tests.e2e.fault_support import mongo_client


@pytest.fixture(scope="module")
async def sinks(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSinks]:
    async with running_sinks(tmp_path_factory.mktemp("sinks")) as sinks:
        yield sinks


@pytest.fixture(scope="module")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
async def mongo(settings: ServiceSettings) -> AsyncIterator[AsyncMongoClient]:
    async with mongo_client(settings) as client:
        yield client
