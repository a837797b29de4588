"""The relay's logic against in-memory fakes of its two ports (the MongoDB ones are tested for
real in tests/integration)."""

import asyncio
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError

from shared.clock import ManualClock
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.examples import EXAMPLES
from shared.kafka.records import OutboundRecord
from shared.outbox.entries import QUEUED_AT, Entry, outbox_entry
from shared.outbox.relay import OutboxRelay
from shared.outbox.source import Queued
from shared.settings import ServiceSettings

pytestmark = pytest.mark.unit

START = datetime(2025, 7, 14, 2, 0, tzinfo=UTC)
SLACK = timedelta(minutes=2)
SETTINGS = ServiceSettings(outbox_lease_s=30)
LEASE = timedelta(seconds=SETTINGS.outbox_lease_s)
RATED = EXAMPLES[CATALOGUE.for_topic("case-rated")[0].data_model]


class InMemorySource:
    name = "cases"

    def __init__(self, clock: ManualClock) -> None:
        self.docs: dict[str, list[Entry]] = {}
        self._clock = clock

    def queue(self, doc_id: str, count: int) -> list[str]:
        """Queue ``count`` events on a document, stamped by the fake clock."""
        entries = [outbox_entry(new_event(RATED), START) for _ in range(count)]
        for entry in entries:
            entry[QUEUED_AT] = self._clock.now()
        self.docs.setdefault(doc_id, []).extend(entries)
        return [e["id"] for e in entries]

    async def queued_since(self, since: datetime | None) -> list[Queued]:
        found = [
            Queued(i, [e for e in es if since is None or e[QUEUED_AT] >= since])
            for i, es in self.docs.items()
        ]
        return [q for q in found if q.entries]

    async def entries(self, doc_id: Any) -> list[Entry]:
        return list(self.docs.get(doc_id, []))


class InMemoryLedger:
    def __init__(self) -> None:
        self.leases: dict[str, tuple[str, datetime]] = {}
        self.marks: dict[str, datetime] = {}
        self.checkpoints: dict[str, datetime] = {}

    async def lease(self, key: str, owner: str, now: datetime, until: datetime) -> bool:
        held = self.leases.get(key)
        if held is not None and held[1] >= now:
            return False
        self.leases[key] = (owner, until)
        return True

    async def release(self, key: str, owner: str) -> None:
        if self.leases.get(key, ("",))[0] == owner:
            del self.leases[key]

    async def published(self, entry_ids: Collection[str]) -> set[str]:
        return set(entry_ids) & self.marks.keys()

    async def mark_published(self, entry_id: str, queued_at: datetime, at: datetime) -> None:
        self.marks.setdefault(entry_id, queued_at)

    async def checkpoint(self, source: str) -> datetime | None:
        return self.checkpoints.get(source)

    async def save_checkpoint(self, source: str, at: datetime) -> None:
        self.checkpoints[source] = at

    async def forget_published(self, queued_before: datetime) -> None:
        self.marks = {i: q for i, q in self.marks.items() if q >= queued_before}


class FakePublisher:
    def __init__(self, fail_at: int | None = None) -> None:
        self.sent: list[OutboundRecord] = []
        self.fail_at = fail_at
        self.on_send: Callable[[], None] = lambda: None

    async def send(self, record: OutboundRecord) -> None:
        if self.fail_at is not None and len(self.sent) == self.fail_at:
            raise KafkaConnectionError("broker down")
        self.on_send()
        await asyncio.sleep(0)  # let a concurrent relay run, as a real broker round trip would
        self.sent.append(record)

    def ids(self) -> list[str]:
        return [dict(r.headers)["ce_id"].decode() for r in self.sent]


class World:
    def __init__(self, fail_at: int | None = None) -> None:
        self.clock = ManualClock(START)
        self.source = InMemorySource(self.clock)
        self.ledger = InMemoryLedger()
        self.publisher = FakePublisher(fail_at)

    def relay(self) -> OutboxRelay:
        return OutboxRelay(
            [self.source], self.publisher, SETTINGS, clock=self.clock, ledger=self.ledger
        )


async def test_queued_entries_are_published_in_order_once() -> None:
    world = World()
    first, second = world.source.queue("A", 3), world.source.queue("B", 2)
    relay = world.relay()
    assert await relay.drain() == 5
    assert await relay.drain() == 0
    published = world.publisher.ids()
    # In order per document (per case); documents themselves are published side by side.
    assert [i for i in published if i in first] == first
    assert [i for i in published if i in second] == second
    assert sorted(published) == sorted(first + second)
    assert world.ledger.leases == {}


async def test_two_relays_at_once_publish_each_entry_once() -> None:
    world = World()
    queued = [i for n in range(10) for i in world.source.queue(f"D{n}", 3)]
    counts = await asyncio.gather(world.relay().drain(), world.relay().drain())
    assert sum(counts) == len(queued)
    assert sorted(world.publisher.ids()) == sorted(queued)


async def test_a_failure_keeps_the_rest_queued_and_the_lease_until_it_expires() -> None:
    world = World(fail_at=1)
    ids = world.source.queue("A", 3)
    relay = world.relay()
    assert await relay.drain() == 1
    world.publisher.fail_at = None
    assert await relay.drain() == 0, "still leased: a failing document waits for its lease"
    world.clock.advance(LEASE + timedelta(seconds=1))
    assert await relay.drain() == 2
    assert world.publisher.ids() == ids


async def test_a_document_leased_by_a_crashed_replica_is_taken_over_after_its_lease() -> None:
    world = World()
    ids = world.source.queue("A", 2)
    await world.ledger.lease("cases/A", "crashed", START, START + LEASE)
    relay = world.relay()
    assert await relay.drain() == 0
    world.clock.advance(LEASE + timedelta(seconds=1))
    assert await relay.drain() == 2
    assert world.publisher.ids() == ids


async def test_events_queued_while_publishing_are_published_too() -> None:
    world = World()
    first = world.source.queue("A", 1)
    later: list[str] = []
    world.publisher.on_send = lambda: later.extend([] if later else world.source.queue("A", 1))
    relay = world.relay()
    await relay.drain()
    await relay.drain()
    assert world.publisher.ids() == first + later


async def test_a_new_relay_does_not_republish_what_is_behind_the_checkpoint() -> None:
    world = World()
    old = world.source.queue("A", 2)
    assert await world.relay().drain() == 2
    world.clock.advance(SLACK * 10)
    other = world.source.queue("B", 1)
    assert await world.relay().drain() == 1
    assert world.ledger.marks.keys() == set(other), "records behind the checkpoint are dropped"
    # A fresh relay, and a new event on the old document: only the new one goes out.
    new = world.source.queue("A", 1)
    assert await world.relay().drain() == 1
    assert world.publisher.ids() == old + other + new


async def test_the_checkpoint_stays_behind_an_entry_that_could_not_be_published() -> None:
    world = World(fail_at=0)
    stuck = world.source.queue("A", 1)
    relay = world.relay()
    await relay.drain()
    world.clock.advance(SLACK * 10)
    fresh = world.source.queue("B", 1)
    world.publisher.fail_at = None
    assert await relay.drain() == 2, "the failed entry is still in view, and the new one too"
    assert sorted(world.publisher.ids()) == sorted(stuck + fresh)
