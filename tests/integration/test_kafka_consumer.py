"""The producer and the consumer runner against the real broker, effects stored in the store."""

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.events.codec import encode
from shared.events.envelope import Envelope
from shared.kafka import EventConsumer, EventHandler, EventProducer, Subscriptions, dlq_topic
from shared.kafka.reader import read_topic
from shared.mongo import Document, Transaction, UnitOfWork, mongo_client, service_database
from shared.settings import ServiceSettings
from tests.integration.plumbing_support import DEADLINE_S, TOPIC, rated, with_topic
from tests.polling import eventually

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def fast(settings: ServiceSettings) -> ServiceSettings:
    return await with_topic(
        settings,
        consumer_max_attempts=3,
        consumer_backoff_initial_s=0.01,
        consumer_backoff_max_s=0.05,
    )


@pytest.fixture(scope="module")
async def producer(fast: ServiceSettings) -> AsyncIterator[EventProducer]:
    async with EventProducer(fast) as producer:
        yield producer


@pytest.fixture(scope="module")
async def db(fast: ServiceSettings) -> AsyncIterator[AsyncDatabase[Document]]:
    client = mongo_client(fast)
    yield service_database(client, fast)
    await client.close()


class Recorder:
    """What a handler saw, and a way to wait (with a deadline) until it saw enough.

    A unit of work may run a handler again (a retried transaction), so what counts is what was
    committed: the recorder learns of an event when the unit that applied it committed.
    """

    def __init__(self) -> None:
        self.seen: list[Envelope] = []
        self._changed = asyncio.Condition()

    async def saw(self, event: Envelope) -> None:
        async with self._changed:
            self.seen.append(event)
            self._changed.notify_all()

    def handler(self, keep: Callable[[Envelope], bool]) -> EventHandler:
        """A handler recording the events ``keep`` selects (the topic holds other tests' too)."""

        async def record(tx: Transaction, event: Envelope[Any]) -> None:
            if keep(event):
                await self.saw(event)

        return record

    async def reached(self, count: int) -> None:
        await self.until(lambda seen: len(seen) >= count)

    async def until(self, condition: Callable[[list[Envelope]], bool]) -> None:
        async with asyncio.timeout(DEADLINE_S), self._changed:
            await self._changed.wait_for(lambda: condition(self.seen))


def consumer(
    fast: ServiceSettings,
    db: AsyncDatabase[Document],
    handler: EventHandler,
    producer: EventProducer,
    group: str,
    **options: Any,
) -> EventConsumer:
    return EventConsumer(
        fast, Subscriptions({TOPIC: handler}), UnitOfWork(db), producer, group=group, **options
    )


async def test_a_published_event_is_consumed_and_a_duplicate_has_no_second_effect(
    fast: ServiceSettings, producer: EventProducer, db: AsyncDatabase[Document]
) -> None:
    recorder = Recorder()
    event = rated("SNV.NA-250714-0001")
    mine = recorder.handler(lambda e: e.id == event.id)

    async def count_rating(tx: Transaction, event: Envelope[Any]) -> None:
        tx.update("ratings", {"_id": event.subject}, {"$inc": {"n": 1}}, upsert=True)
        await mine(tx, event)

    await producer.publish(event)
    await producer.publish(event)
    second = rated("SNV.NA-250714-0001")
    await producer.publish(second)
    async with consumer(fast, db, count_rating, producer, "dedup"):
        await recorder.reached(1)
        stored = await eventually(
            lambda: db["ratings"].find_one({"_id": event.subject}),
            until=lambda doc: doc is not None and doc["n"] >= 2,
            what="both ratings applied",
        )
    assert stored["n"] == 2, "the redelivered event had no second effect"
    assert await db["processed_events"].count_documents({"_id": str(event.id)}) == 1


async def test_a_batch_of_many_events_is_applied_exactly_once_each(
    fast: ServiceSettings, producer: EventProducer, db: AsyncDatabase[Document]
) -> None:
    events = [rated(f"SNV.NA-250714-5{n % 40:03d}") for n in range(600)]
    await asyncio.gather(*(producer.publish(e) for e in events))

    async def count(tx: Transaction, event: Envelope[Any]) -> None:
        if event.subject.startswith("SNV.NA-250714-5"):
            tx.update("batched", {"_id": event.subject}, {"$inc": {"n": 1}}, upsert=True)

    async with consumer(fast, db, count, producer, "batched"):
        await eventually(
            lambda: total(db, "batched"), until=lambda n: n >= len(events), what="all applied"
        )
    assert await total(db, "batched") == len(events)


async def total(db: AsyncDatabase[Document], collection: str) -> int:
    return sum([doc["n"] async for doc in db[collection].find({})])


async def test_a_message_is_keyed_by_case_code_with_cloudevents_headers(
    fast: ServiceSettings, producer: EventProducer
) -> None:
    event = rated("SNV.NA-250714-0002")
    await producer.publish(event)
    [record] = [
        r for r in await read_topic(fast, TOPIC) if (r.key or b"") == event.subject.encode()
    ]
    headers = dict(record.headers)
    assert headers["ce_id"] == str(event.id).encode()
    assert headers["ce_type"] == event.type.encode()
    assert headers["ce_source"] == event.source.encode()


async def test_poison_messages_are_dead_lettered_and_the_next_one_is_processed(
    fast: ServiceSettings, producer: EventProducer, db: AsyncDatabase[Document]
) -> None:
    case = "SNV.NA-250714-0003"
    poison, good = rated(case), rated(case)
    recorder = Recorder()

    async def fail_on_poison(tx: Transaction, event: Envelope[Any]) -> None:
        if event.id == poison.id:
            raise ValueError("thủ tục không tồn tại")
        if event.subject == case:
            await recorder.saw(event)

    # Same key, so same partition: the good event can only be reached past both poisons.
    await producer.publish_raw(TOPIC, b'{"specversion": "1.0", ', key=case.encode())
    await producer.publish(poison)
    await producer.publish(good)
    async with consumer(fast, db, fail_on_poison, producer, "poison") as running:
        await recorder.reached(1)
    assert recorder.seen == [good]
    dead = [r for r in await read_topic(fast, dlq_topic(TOPIC)) if r.key == case.encode()]
    assert [r.value for r in dead] == [b'{"specversion": "1.0", ', encode(poison)]
    malformed, failed = (dict(r.headers) for r in dead)
    assert malformed["dlq_reason"].startswith(b"malformed JSON")
    assert malformed["dlq_exception_type"] == b"DecodeError"
    assert "thủ tục không tồn tại" in failed["dlq_reason"].decode()
    assert failed["dlq_attempts"] == str(fast.consumer_max_attempts).encode()
    assert failed["dlq_exception_type"] == b"ValueError"
    assert failed["dlq_original_topic"] == fast.topic(TOPIC).encode()
    assert failed["dlq_consumer_group"] == running.group.encode()
    assert failed["ce_id"] == str(poison.id).encode()


async def test_a_restarted_consumer_resumes_after_what_it_committed(
    fast: ServiceSettings, producer: EventProducer, db: AsyncDatabase[Document]
) -> None:
    case = "SNV.NA-250714-0004"
    first, second, third = rated(case), rated(case), rated(case)
    before, after = Recorder(), Recorder()
    await producer.publish(first)
    await producer.publish(second)
    mine: Callable[[Envelope], bool] = lambda event: event.subject == case  # noqa: E731
    async with consumer(fast, db, before.handler(mine), producer, "resume"):
        await before.reached(2)
    await producer.publish(third)
    async with consumer(fast, db, after.handler(mine), producer, "resume"):
        await after.reached(1)
    assert before.seen == [first, second]
    assert after.seen == [third]


async def test_two_members_of_a_group_share_the_partitions_and_handle_every_event(
    fast: ServiceSettings, producer: EventProducer, db: AsyncDatabase[Document]
) -> None:
    events = [rated(f"SNV.NA-250714-1{n:03d}") for n in range(30)]
    ids = {e.id for e in events}
    recorder = Recorder()
    handle = recorder.handler(lambda event: event.id in ids)
    options = {"heartbeat_interval_ms": 200, "session_timeout_ms": 6000}
    async with consumer(fast, db, handle, producer, "pair", **options):
        for event in events[:15]:
            await producer.publish(event)
        await recorder.reached(15)
        async with consumer(fast, db, handle, producer, "pair", **options):
            for event in events[15:]:
                await producer.publish(event)
            # A rebalance may deliver an event twice (at-least-once): count distinct ids.
            await recorder.until(lambda seen: {e.id for e in seen} == ids)
