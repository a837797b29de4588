"""The local store keeps every acknowledged write through a kill -9 (journaled commits).

A store of its own (own port and data folder, the stack's cache), so killing it disturbs no other
test.
"""

import asyncio
import os
import signal
import socket
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from devstack.config import StackConfig
from devstack.stack import Stack
from devstack.store import SecantusDB
from shared.mongo import Conflict, Transaction, UnitOfWork
from tests.polling import eventually

pytestmark = pytest.mark.integration


async def as_awaitable(value: int) -> int:
    return value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_acknowledged_writes_survive_a_kill_9_of_the_store(tmp_path: Path) -> None:
    config = StackConfig.from_env(data_dir=tmp_path, ports={"MONGODB_PORT": free_port()})
    stack = Stack(config, (SecantusDB,), records_environment=False)
    store = stack.components[0]
    uri = (await asyncio.to_thread(stack.up)).mongodb_uri
    acknowledged = {"inc": 0, "units": 0}
    client: AsyncMongoClient = AsyncMongoClient(uri, serverSelectionTimeoutMS=2000)
    db = client["durability"]

    async def unit(tx: Transaction) -> None:
        tx.insert("units", {"_id": acknowledged["units"]})

    async def write_until_killed() -> None:
        try:
            while True:
                await db["counter"].update_one({"_id": "c"}, {"$inc": {"n": 1}}, upsert=True)
                acknowledged["inc"] += 1
                await UnitOfWork(db, attempts=1).run(unit)
                acknowledged["units"] += 1
        except (PyMongoError, Conflict):
            return

    try:
        writer = asyncio.create_task(write_until_killed())
        await eventually(
            lambda: as_awaitable(acknowledged["units"]), until=lambda n: n >= 200, interval_s=0.01
        )
        pid = store.process.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        await asyncio.wait_for(writer, 30)
        await client.close()
        await asyncio.to_thread(stack.up)
        client = AsyncMongoClient(uri, serverSelectionTimeoutMS=10000)
        db = client["durability"]
        counter = await db["counter"].find_one({"_id": "c"})
        assert counter is not None
        # The write in flight at the kill may or may not have landed; every acknowledged one has.
        assert counter["n"] in (acknowledged["inc"], acknowledged["inc"] + 1)
        units = await db["units"].count_documents({})
        assert units in (acknowledged["units"], acknowledged["units"] + 1)
    finally:
        await client.close()
        await asyncio.to_thread(stack.down)
