"""The producer and the consumer runner against the real broker, effects stored in FerretDB."""

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.events.codec import encode
from shared.events.envelope import Envelope
from shared.idempotency import APPLIED, Outcome, apply_once
from shared.kafka import EventConsumer, EventProducer, Handler, dlq_topic
from shared.kafka.reader import read_topic
from shared.mongo import mongo_client, service_database
from shared.settings import ServiceSettings
from tests.integration.plumbing_support import DEADLINE_S, TOPIC, rated, with_topic

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
async def db(fast: ServiceSettings) -> AsyncIterator[AsyncDatabase]:
    client = mongo_client(fast)
    yield service_database(client, fast)
    await client.close()


class Recorder:
    """What a handler saw, and a way to wait (with a deadline) until it saw enough."""

    def __init__(self) -> None:
        self.seen: list[Envelope] = []
        self._changed = asyncio.Condition()

    async def saw(self, event: Envelope) -> None:
        async with self._changed:
            self.seen.append(event)
            self._changed.notify_all()

    def handler(self, keep: Callable[[Envelope], bool]) -> Handler:
        """A handler recording the events ``keep`` selects (the topic holds other tests' too)."""

        async def record(event: Envelope) -> None:
            if keep(event):
                await self.saw(event)

        return record

    async def reached(self, count: int) -> None:
        await self.until(lambda seen: len(seen) >= count)

    async def until(self, condition: Callable[[list[Envelope]], bool]) -> None:
        async with asyncio.timeout(DEADLINE_S), self._changed:
            await self._changed.wait_for(lambda: condition(self.seen))


async def test_a_published_event_is_consumed_and_a_duplicate_has_no_second_effect(
    fast: ServiceSettings, producer: EventProducer, db: AsyncDatabase
) -> None:
    ratings = db["ratings"]
    outcomes: list[Outcome] = []
    recorder = Recorder()

    async def count_rating(event: Envelope) -> None:
        key = {"_id": event.subject}
        outcomes.append(await apply_once(ratings, event.id, key, {"$inc": {"n": 1}}, upsert=True))
        await recorder.saw(event)

    event = rated("SNV.NA-250714-0001")
    await producer.publish(event)
    await producer.publish(event)
    async with EventConsumer(fast, [TOPIC], count_rating, producer, group="dedup"):
        await recorder.reached(2)
    assert recorder.seen == [event, event]
    assert outcomes == [Outcome.APPLIED, Outcome.DUPLICATE]
    stored = await ratings.find_one({"_id": event.subject})
    assert stored is not None
    assert stored["n"] == 1
    assert stored[APPLIED] == [str(event.id)]


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
    fast: ServiceSettings, producer: EventProducer
) -> None:
    case = "SNV.NA-250714-0003"
    poison, good = rated(case), rated(case)
    recorder = Recorder()

    async def fail_on_poison(event: Envelope) -> None:
        if event.id == poison.id:
            raise ValueError("thủ tục không tồn tại")
        if event.subject == case:
            await recorder.saw(event)

    # Same key, so same partition: the good event can only be reached past both poisons.
    await producer.publish_raw(TOPIC, b'{"specversion": "1.0", ', key=case.encode())
    await producer.publish(poison)
    await producer.publish(good)
    async with EventConsumer(fast, [TOPIC], fail_on_poison, producer, group="poison") as consumer:
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
    assert failed["dlq_consumer_group"] == consumer.group.encode()
    assert failed["ce_id"] == str(poison.id).encode()


async def test_a_restarted_consumer_resumes_after_what_it_committed(
    fast: ServiceSettings, producer: EventProducer
) -> None:
    case = "SNV.NA-250714-0004"
    first, second, third = rated(case), rated(case), rated(case)
    before, after = Recorder(), Recorder()
    await producer.publish(first)
    await producer.publish(second)
    mine: Callable[[Envelope], bool] = lambda event: event.subject == case  # noqa: E731
    async with EventConsumer(fast, [TOPIC], before.handler(mine), producer, group="resume"):
        await before.reached(2)
    await producer.publish(third)
    async with EventConsumer(fast, [TOPIC], after.handler(mine), producer, group="resume"):
        await after.reached(1)
    assert before.seen == [first, second]
    assert after.seen == [third]


async def test_two_members_of_a_group_share_the_partitions_and_handle_every_event(
    fast: ServiceSettings, producer: EventProducer
) -> None:
    events = [rated(f"SNV.NA-250714-1{n:03d}") for n in range(30)]
    ids = {e.id for e in events}
    recorder = Recorder()
    handle = recorder.handler(lambda event: event.id in ids)
    options = {"heartbeat_interval_ms": 200, "session_timeout_ms": 6000}
    async with EventConsumer(fast, [TOPIC], handle, producer, group="pair", **options):
        for event in events[:15]:
            await producer.publish(event)
        await recorder.reached(15)
        async with EventConsumer(fast, [TOPIC], handle, producer, group="pair", **options):
            for event in events[15:]:
                await producer.publish(event)
            # A rebalance may deliver an event twice (at-least-once): count distinct ids.
            await recorder.until(lambda seen: {e.id for e in seen} == ids)
