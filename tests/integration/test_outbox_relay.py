"""The outbox against the real store and Kafka: stored with the change, published in order."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.events.envelope import Envelope
from shared.kafka import EventProducer
from shared.kafka.reader import read_topic
from shared.mongo import (
    Document,
    Transaction,
    UnitOfWork,
    ensure_indexes,
    mongo_client,
    service_database,
)
from shared.outbox import INDEXES, OUTBOX, OutboxRelay
from shared.settings import ServiceSettings
from tests.integration.plumbing_support import TOPIC, rated, with_topic
from tests.polling import eventually

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def fast(settings: ServiceSettings) -> ServiceSettings:
    return await with_topic(settings, outbox_poll_interval_s=0.05)


@pytest.fixture(scope="module")
async def producer(fast: ServiceSettings) -> AsyncIterator[EventProducer]:
    async with EventProducer(fast) as producer:
        yield producer


@pytest.fixture
async def db(fast: ServiceSettings) -> AsyncIterator[AsyncDatabase[Document]]:
    client = mongo_client(fast)
    db = service_database(client, fast)
    await ensure_indexes(db, INDEXES)
    yield db
    await db[OUTBOX].delete_many({})
    await client.close()


async def published_ids(settings: ServiceSettings, wanted: set[str]) -> list[str]:
    ids = [dict(r.headers)["ce_id"].decode() for r in await read_topic(settings, TOPIC)]
    return [i for i in ids if i in wanted]


def change(code: str, *events: Envelope) -> Callable[[Transaction], Awaitable[None]]:
    """A unit of work: a state change of one case and the events it causes."""

    async def work(tx: Transaction) -> None:
        doc = await tx.find_one("cases", {"_id": code}) or {"_id": code, "n": 0, "version": 0}
        tx.replace("cases", {**doc, "n": doc["n"] + 1}, version=doc["version"])
        tx.publish(*events)

    return work


async def test_events_stored_before_a_stop_are_published_once_in_order_by_two_relays(
    fast: ServiceSettings, producer: EventProducer, db: AsyncDatabase[Document]
) -> None:
    uow = UnitOfWork(db)
    queued: dict[str, list[str]] = {}
    for n in range(12):
        code = f"SNV.NA-250714-2{n:03d}"
        first, second = rated(code), rated(code)
        await uow.run(change(code, first))
        await uow.run(change(code, second))
        queued[code] = [str(first.id), str(second.id)]
    # Nothing ran a relay so far: the process "stopped" with every event still queued.

    relays = [OutboxRelay(db, producer, fast) for _ in range(2)]
    counts = await asyncio.gather(*(relay.drain() for relay in relays))
    for relay in relays:
        await relay.stop()  # gives the lease back

    assert sorted(counts) == [0, 2 * len(queued)], "one relay holds the lease"
    wanted = {i for ids in queued.values() for i in ids}
    on_topic = await published_ids(fast, wanted)
    for code, ids in queued.items():
        assert [i for i in on_topic if i in ids] == ids, f"{code}: once each, in order"
    assert await db[OUTBOX].count_documents({}) == 0, "acknowledged records are deleted"


async def test_a_running_relay_publishes_everything_concurrent_writers_commit(
    fast: ServiceSettings, producer: EventProducer, db: AsyncDatabase[Document]
) -> None:
    code = "SNV.NA-250714-3001"
    events = [rated(code) for _ in range(40)]
    async with OutboxRelay(db, producer, fast) as relay:
        uow = UnitOfWork(db, committed=relay.wake, attempts=100)
        await asyncio.gather(*(uow.run(change(code, event)) for event in events))
        await eventually(
            lambda: db[OUTBOX].count_documents({}), until=lambda n: n == 0, what="all relayed"
        )
    doc = await db["cases"].find_one({"_id": code}) or {}
    assert doc["n"] == len(events), "no state change was overwritten"
    wanted = {str(e.id) for e in events}
    on_topic = await published_ids(fast, wanted)
    assert sorted(on_topic) == sorted(wanted), "each event once"


async def test_an_aborted_unit_of_work_publishes_nothing(
    fast: ServiceSettings, db: AsyncDatabase[Document]
) -> None:
    async def refused(tx: Transaction) -> None:
        await change("SNV.NA-250714-3002", rated("SNV.NA-250714-3002"))(tx)
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        await UnitOfWork(db).run(refused)
    assert await db[OUTBOX].count_documents({}) == 0
    assert await db["cases"].find_one({"_id": "SNV.NA-250714-3002"}) is None


async def test_a_relay_that_crashed_after_publishing_publishes_again_and_loses_nothing(
    fast: ServiceSettings, producer: EventProducer, db: AsyncDatabase[Document]
) -> None:
    event = rated("SNV.NA-250714-3003")
    await UnitOfWork(db).run(change(event.subject, event))
    # The crashed relay: published, died before deleting the record.
    await producer.publish(event)

    assert await OutboxRelay(db, producer, fast).drain() == 1
    assert (await published_ids(fast, {str(event.id)})).count(str(event.id)) == 2
