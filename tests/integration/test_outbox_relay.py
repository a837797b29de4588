"""The outbox against real FerretDB and Kafka: stored with the change, published exactly once."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.collection import AsyncCollection

from shared.events.envelope import Envelope
from shared.kafka import EventProducer
from shared.kafka.reader import read_topic
from shared.kafka.records import OutboundRecord
from shared.mongo import ensure_indexes, merge_updates, mongo_client, service_database
from shared.outbox import MongoRelayLedger, OutboxRelay, outbox_fields, outbox_index, outbox_update
from shared.outbox.entries import OUTBOX
from shared.settings import ServiceSettings
from tests.integration.plumbing_support import DEADLINE_S, TOPIC, rated, with_topic

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def fast(settings: ServiceSettings) -> ServiceSettings:
    return await with_topic(settings, outbox_poll_interval_s=0.05)


@pytest.fixture(scope="module")
async def producer(fast: ServiceSettings) -> AsyncIterator[EventProducer]:
    async with EventProducer(fast) as producer:
        yield producer


@pytest.fixture(scope="module")
async def cases(fast: ServiceSettings) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    client = mongo_client(fast)
    db = service_database(client, fast)
    await ensure_indexes(db, [outbox_index("cases")])
    yield db["cases"]
    await client.close()


async def published_ids(settings: ServiceSettings) -> list[str]:
    return [dict(r.headers)["ce_id"].decode() for r in await read_topic(settings, TOPIC)]


async def change(cases: AsyncCollection[dict[str, Any]], code: str, *events: Envelope) -> None:
    """A state change and the events it causes, in one single-document write."""
    state = {"$set": {"status": "resolved"}, "$inc": {"version": 1}}
    await cases.update_one({"_id": code}, merge_updates(state, outbox_update(*events)))


class Watching:
    """The producer, telling when a given number of records has been acknowledged."""

    def __init__(self, producer: EventProducer, expected: int) -> None:
        self.all_sent = asyncio.Event()
        self._producer = producer
        self._left = expected

    async def send(self, record: OutboundRecord) -> None:
        await self._producer.send(record)
        self._left -= 1
        if self._left <= 0:
            self.all_sent.set()


async def test_events_stored_before_a_stop_are_published_once_by_two_concurrent_relays(
    fast: ServiceSettings, producer: EventProducer, cases: AsyncCollection[dict[str, Any]]
) -> None:
    queued: dict[str, list[str]] = {}
    for n in range(12):
        code = f"SNV.NA-250714-2{n:03d}"
        first, second = rated(code), rated(code)
        await cases.insert_one({"_id": code, "status": "received", **outbox_fields(first)})
        await change(cases, code, second)
        queued[code] = [str(first.id), str(second.id)]
    # Nothing ran a relay so far: the process "stopped" with every event still queued.
    stored = [doc async for doc in cases.find({"_id": {"$in": list(queued)}})]

    relays = [OutboxRelay([cases], producer, fast) for _ in range(2)]
    counts = await asyncio.gather(*(relay.drain() for relay in relays))

    assert sum(counts) == 2 * len(queued)
    on_topic = await published_ids(fast)
    for code, ids in queued.items():
        assert [i for i in on_topic if i in ids] == ids, f"{code}: once each, in order"
    assert [doc async for doc in cases.find({"_id": {"$in": list(queued)}})] == stored, (
        "the relay only reads the services' documents"
    )
    assert await OutboxRelay([cases], producer, fast).drain() == 0, "a restarted relay is done"


async def test_a_running_relay_loses_nothing_while_the_service_keeps_writing(
    fast: ServiceSettings, producer: EventProducer, cases: AsyncCollection[dict[str, Any]]
) -> None:
    code = "SNV.NA-250714-3001"
    events = [rated(code) for _ in range(25)]
    await cases.insert_one({"_id": code, "status": "received", "version": 0})
    watched = Watching(producer, len(events))
    async with OutboxRelay([cases], watched, fast) as relay:
        for event in events:
            await change(cases, code, event)
            relay.wake()
        await asyncio.wait_for(watched.all_sent.wait(), DEADLINE_S)
    doc = await cases.find_one({"_id": code}) or {}
    assert doc["version"] == len(events), "no state change was overwritten"
    assert [e["id"] for e in doc[OUTBOX]] == [str(e.id) for e in events]
    wanted = {str(e.id) for e in events}
    assert [i for i in await published_ids(fast) if i in wanted] == [str(e.id) for e in events]


async def test_a_relay_that_crashed_after_publishing_leaves_its_events_to_be_published_again(
    fast: ServiceSettings, producer: EventProducer, cases: AsyncCollection[dict[str, Any]]
) -> None:
    code = "SNV.NA-250714-3002"
    event = rated(code)
    await cases.insert_one({"_id": code, "status": "received", **outbox_fields(event)})
    # The crashed replica: leased the document, published, died before recording it; its lease
    # has run out since.
    now = datetime.now(UTC)
    ledger = MongoRelayLedger(cases.database)
    assert await ledger.lease(f"cases/{code}", "crashed", now - timedelta(minutes=1), now)
    await producer.publish(event)

    assert await OutboxRelay([cases], producer, fast).drain() == 1
    assert (await published_ids(fast)).count(str(event.id)) == 2, "at least once, never lost"
