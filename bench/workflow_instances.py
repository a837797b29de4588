"""Processing instances created per second from ``case-submitted``, next to its ceiling.

The ceiling is a raw aiokafka consume loop over the same topic in the same run: what the broker
and client deliver when nothing is decoded, stored or committed. The figure is the workflow's own
consumer (shared runner: decode, then each partition's batch of up to 500 events as one unit of
work: one transaction with one bulk upsert of the instances and one bulk insert of the processed
marks; instances are counted in the store, so only committed ones count).
Run against the local stack: ``.venv/bin/python -m bench.workflow_instances``. Its databases
stay (``python -m devstack reset`` wipes them): dropping one on SecantusDB 0.7.0b3 can hang the
store (see devstack/store/secantus.py).
"""

import argparse
import asyncio
import contextlib
import secrets
import time
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer
from pymongo.asynchronous.collection import AsyncCollection

from bench.kafka_load import RawRecord, publish_raw, raw_records
from services.workflow.adapters.calendar import DeadlineCalendar
from services.workflow.adapters.definitions import load_processes, load_programmes
from services.workflow.adapters.repository import COLLECTION, InstanceReader
from services.workflow.bootstrap import ALL_INDEXES
from services.workflow.domain.instance import Rules
from services.workflow.entrypoints.consumers import workflow_consumer
from services.workflow.service_layer.handlers import Workflow
from services.workflow.settings import WorkflowSettings
from shared.clock import SystemClock
from shared.events.codec import new_event
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.kafka import EventConsumer, EventProducer, Subscriptions, ensure_topics
from shared.mongo import (
    Document,
    Transaction,
    UnitOfWork,
    ensure_indexes,
    mongo_client,
    service_database,
)

TOPIC = "case-submitted"
# Each consuming phase stops after this long, counting what it did by then.
TIME_LIMIT_S = 15.0


def case_events(count: int) -> list[RawRecord]:
    base = EXAMPLES[CaseSubmitted]
    received = datetime(2025, 7, 14, 2, tzinfo=UTC)
    events = []
    for n in range(count):
        day = received + timedelta(days=n // 9000)
        code = f"SNV.NA-{day:%y%m%d}-{n % 9000 + 1:04d}"
        data = base.model_copy(update={"case_code": code, "received_at": day})
        events.append(new_event(data, time=day))
    return raw_records(events)


async def raw_ceiling(settings: WorkflowSettings, count: int) -> float:
    """Messages per second a bare consumer reads from the topic, start to last message."""
    consumer = AIOKafkaConsumer(
        settings.topic(TOPIC),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=f"{settings.topic_prefix}raw",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        began, seen = time.perf_counter(), 0
        async with asyncio.timeout(TIME_LIMIT_S):
            while seen < count:
                batch = await consumer.getmany(timeout_ms=500)
                seen += sum(len(records) for records in batch.values())
        return seen / (time.perf_counter() - began)
    finally:
        await consumer.stop()


class Counted:
    """Counts distinct events through; ``rate`` waits for ``count`` of them or the time limit.

    By id, because a unit of work that is retried runs its handlers again."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.seen: set[str] = set()
        self.done = asyncio.Event()

    def one(self, event_id: str) -> None:
        self.seen.add(event_id)
        if len(self.seen) >= self.count:
            self.done.set()

    async def rate(self, began: float) -> float:
        """Per second since ``began``; over the messages seen so far if the limit comes first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.done.wait(), TIME_LIMIT_S)
        return len(self.seen) / (time.perf_counter() - began)


async def runner_rate(settings: WorkflowSettings, count: int) -> float:
    """Messages per second the shared consumer runner takes through a handler that stores nothing:
    what decoding, the unit of work (processed marks) and committing cost, apart from the
    workflow's own work."""
    counted = Counted(count)

    async def handled(tx: Transaction, event: Envelope) -> None:
        counted.one(str(event.id))

    async with mongo_client(settings) as client, EventProducer(settings) as producer:
        db = client[f"{settings.mongodb_database}_noop"]
        await ensure_indexes(db, ALL_INDEXES)
        subscriptions = Subscriptions({TOPIC: handled})
        began = time.perf_counter()
        async with EventConsumer(
            settings, subscriptions, UnitOfWork(db), producer, group="bench-noop"
        ):
            return await counted.rate(began)


async def stored_rate(instances: AsyncCollection[Document], count: int, began: float) -> float:
    """Instances per second since ``began``, counted in the store (committed ones only)."""
    deadline, stored = began + TIME_LIMIT_S, 0
    while stored < count and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
        stored = await instances.count_documents({})
    return stored / (time.perf_counter() - began)


async def workflow_rate(settings: WorkflowSettings, count: int) -> float:
    """Instances per second the workflow's consumer creates from the same messages."""
    async with mongo_client(settings) as client, EventProducer(settings) as producer:
        db = service_database(client, settings)
        await ensure_indexes(db, ALL_INDEXES)
        uow = UnitOfWork(db)
        rules = Rules(DeadlineCalendar(), load_programmes())
        workflow = Workflow(uow, InstanceReader(db), load_processes(), rules, SystemClock())
        await ensure_topics(settings, workflow.subscriptions().topics)
        began = time.perf_counter()
        async with workflow_consumer(settings, workflow, uow, producer):
            rate = await stored_rate(db[COLLECTION], count, began)
        stored = await db[COLLECTION].count_documents({})
        if stored != count:
            raise RuntimeError(f"{stored} instances stored for {count} events")
        return rate


async def main(count: int) -> None:
    token = secrets.token_hex(4)
    settings = WorkflowSettings(
        topic_prefix=f"bench-{token}.", mongodb_database=f"bench_workflow_{token}"
    )
    await ensure_topics(settings, [TOPIC], partitions=3)
    await publish_raw(settings, TOPIC, case_events(count))
    ceiling = await raw_ceiling(settings, count)
    runner = await runner_rate(settings, count)
    rate = await workflow_rate(settings, count)
    print(f"case-submitted messages: {count} on 3 partitions")
    print(f"ceiling   raw aiokafka consume loop          {ceiling:10.0f} msg/s")
    print(f"reference shared runner, handler stores none {runner:10.0f} msg/s")
    print(f"figure    workflow instances created         {rate:10.0f} /s")
    print(f"ratio     figure / ceiling                   {rate / ceiling:10.1%} (target >= 30%)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="case-submitted events")
    asyncio.run(main(parser.parse_args().count))
