"""The local store keeps every acknowledged write through a kill -9 (journaled commits).

A store of its own (own port and data folder, the stack's cache), so killing it disturbs no other
test.
"""

import asyncio
import contextlib
import itertools
import os
import signal
import socket
from collections.abc import Awaitable, Callable
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


def stored_with_its_event(unit_id: str) -> Callable[[Transaction], Awaitable[None]]:
    async def work(tx: Transaction) -> None:
        tx.insert("cases", {"_id": unit_id})
        tx.insert("outbox", {"_id": unit_id})

    return work


async def test_acknowledged_writes_survive_a_kill_9_of_the_store(tmp_path: Path) -> None:
    config = StackConfig.from_env(data_dir=tmp_path, ports={"MONGODB_PORT": free_port()})
    stack = Stack(config, (SecantusDB,), records_environment=False)
    store = stack.components[0]
    uri = (await asyncio.to_thread(stack.up)).mongodb_uri
    increments = 0
    units: list[str] = []  # ids of the units of work whose commit was acknowledged
    client: AsyncMongoClient = AsyncMongoClient(uri, serverSelectionTimeoutMS=2000)
    db = client["durability"]

    async def increment_until_killed() -> None:
        nonlocal increments
        with contextlib.suppress(PyMongoError):
            while True:
                await db["counter"].update_one({"_id": "c"}, {"$inc": {"n": 1}}, upsert=True)
                increments += 1

    async def units_until_killed(writer: int) -> None:
        # As a service's unit does: its state and its outbox record in one transaction.
        for n in itertools.count():
            unit_id = f"{writer}-{n}"
            try:
                await UnitOfWork(db, attempts=1).run(stored_with_its_event(unit_id))
            except (PyMongoError, Conflict):
                return
            units.append(unit_id)

    try:
        writers = [asyncio.create_task(increment_until_killed())]
        writers += [asyncio.create_task(units_until_killed(w)) for w in range(8)]
        await eventually(lambda: as_awaitable(len(units)), until=lambda n: n >= 300)
        pid = store.process.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        await asyncio.wait_for(asyncio.gather(*writers), 30)
        await client.close()
        await asyncio.to_thread(stack.up)
        client = AsyncMongoClient(uri, serverSelectionTimeoutMS=10000)
        db = client["durability"]
        counter = await db["counter"].find_one({"_id": "c"})
        assert counter is not None
        # The write in flight at the kill may or may not have landed; every acknowledged one has.
        assert counter["n"] in (increments, increments + 1)
        for collection in ("cases", "outbox"):
            stored = {doc["_id"] async for doc in db[collection].find({})}
            assert set(units) <= stored, f"{collection}: {len(set(units) - stored)} lost"
    finally:
        await client.close()
        await asyncio.to_thread(stack.down)
