"""Reporting benchmark: replay rate vs a raw aiokafka consume loop, and report latency over
1,000,000 cases.

``.venv/bin/python -m bench.reporting_replay`` against the local stack (KAFKA_BOOTSTRAP_SERVERS,
MONGODB_URI). Uses its own topic prefix and database and removes them afterwards.

1. Publishes a mixed feed, then reads every partition from offset 0 to the end twice: once with a
   bare aiokafka loop that only counts messages (the ceiling), once through the rebuild's replay
   (decode, project, one unit of work per batch: case documents, ``$inc`` day buckets, marks).
2. Seeds the buckets of 1,000,000 cases directly (one document per agency x procedure x day and
   per month, as the service lays them out) and times the yearly one-stop report of the whole
   province (a ``$group`` over the year's month buckets).
"""

import asyncio
import os
import random
import statistics
import time
import uuid
from datetime import date, timedelta

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from bench.reporting_feed import PROCEDURES, publish, random_cases
from services.reporting.adapters.mongo_reader import MongoAggregateReader
from services.reporting.adapters.mongo_store import Collections
from services.reporting.adapters.serialization import bucket_updates
from services.reporting.domain.contributions import BucketKey
from services.reporting.domain.period import Period
from services.reporting.service_layer.queries import Scope, one_stop_report
from services.reporting.service_layer.read_models import ReadModels
from services.reporting.service_layer.rebuild import replay_topics
from shared.events.catalogue import CATALOGUE
from shared.kafka.admin import ensure_topics
from shared.kafka.connection import client_options
from shared.mongo import mongo_client, service_database
from shared.settings import ServiceSettings

CASES = int(os.environ.get("BENCH_CASES", "10000"))
REPORT_CASES = 1_000_000
AGENCIES, DAYS = 8, 250
BATCH = 2000
REPORT_RUNS = 20


async def raw_consume(settings: ServiceSettings, expected: int) -> float:
    """Messages per second of a bare consume loop over the same partitions."""
    consumer = AIOKafkaConsumer(
        *(settings.topic(t) for t in CATALOGUE.topics),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=f"{settings.topic_prefix}raw",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    try:
        seen, start = 0, time.perf_counter()
        while seen < expected:
            batch = await consumer.getmany(timeout_ms=500, max_records=BATCH)
            seen += sum(len(records) for records in batch.values())
        return seen / (time.perf_counter() - start)
    finally:
        await consumer.stop()


async def replay(settings: ServiceSettings, read_models: ReadModels) -> tuple[int, float]:
    await read_models.prepare(1)
    start = time.perf_counter()
    totals = await replay_topics(settings, read_models.uow, Collections(1), BATCH)
    assert totals.rejected == 0
    return totals.messages, totals.messages / (time.perf_counter() - start)


def seeded_rows(rng: random.Random) -> list[dict[str, object]]:
    """Day and month buckets for REPORT_CASES cases of 2024, spread over agencies, procedures and
    days, laid out as the service writes them (``bucket_updates``)."""
    keys = [
        BucketKey(
            "flow",
            (("agency", f"TINH{a}.NA"), ("field", p.field), ("procedure", p.code)),
            (date(2024, 1, 1) + timedelta(days=d)).isoformat(),
        )
        for a in range(AGENCIES)
        for p in PROCEDURES
        for d in range(DAYS)
    ]
    per_bucket = REPORT_CASES // len(keys)
    delta = {}
    for key in keys:
        late = rng.randrange(per_bucket // 5)
        delta[key] = {
            "received": per_bucket,
            "received_online": per_bucket // 4,
            "received_direct": per_bucket - per_bucket // 4,
            "due": per_bucket,
            "closed": per_bucket - 2,
            "resolved": per_bucket - 2,
            "resolved_early": per_bucket - 2 - late,
            "resolved_late": late,
            "due_closed": per_bucket - 2,
        }
    return [
        {"_id": f"{bucket_id}|0", **update["$setOnInsert"], **update["$inc"]}
        for bucket_id, update in bucket_updates(delta)
    ]


async def report_latency(read_models: ReadModels) -> tuple[float, float, float, int]:
    """Median and p95 of the yearly report, the median of a raw read of the buckets it sums, and
    how many those are."""
    await read_models.prepare(2)
    collections = Collections(2)
    rows = seeded_rows(random.Random(1))
    aggregates = read_models.db[collections.aggregates]
    for first in range(0, len(rows), 5000):
        await aggregates.insert_many(rows[first : first + 5000], ordered=False)
    reader = MongoAggregateReader(read_models.db, collections)
    year = Period(date(2024, 1, 1), date(2024, 12, 31))
    report_times: list[float] = []
    raw_times: list[float] = []
    for _ in range(REPORT_RUNS):
        start = time.perf_counter()
        report = await one_stop_report(reader, year, Scope(), "agency")
        report_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        found = [
            row
            async for row in aggregates.find(
                {"kind": "flow", "month": {"$gte": "2024-01", "$lte": "2024-12"}}
            )
        ]
        raw_times.append(time.perf_counter() - start)
    assert report.total.received.total == REPORT_CASES // DAYS // AGENCIES // len(PROCEDURES) * (
        DAYS * AGENCIES * len(PROCEDURES)
    )
    p95 = statistics.quantiles(report_times, n=20)[-1]
    return statistics.median(report_times), p95, statistics.median(raw_times), len(found)


async def delete_topics(settings: ServiceSettings) -> None:
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        await admin.delete_topics([settings.topic(t) for t in CATALOGUE.topics])
    finally:
        await admin.close()


async def main() -> None:
    tag = uuid.uuid4().hex[:8]
    settings = ServiceSettings(
        topic_prefix=f"bench-reporting-{tag}.", mongodb_database=f"bench_reporting_{tag}"
    )
    await ensure_topics(settings, CATALOGUE.topics, with_dead_letters=False)
    events = list(random_cases(CASES, seed=7))
    await publish(settings, events)
    ceiling = await raw_consume(settings, len(events))
    async with mongo_client(settings) as client:
        read_models = ReadModels(service_database(client, settings))
        messages, rate = await replay(settings, read_models)
        report_s, report_p95, raw_s, rows = await report_latency(read_models)
    await delete_topics(settings)
    print(f"events: {len(events)} ({CASES} cases); replayed {messages}")
    print(
        f"replay rate: {rate:,.0f} events/s; ceiling (raw aiokafka loop): {ceiling:,.0f}/s; "
        f"ratio {rate / ceiling:.1%} (target >= 30%)"
    )
    print(
        f"yearly province report over {REPORT_CASES:,} cases ({rows:,} month buckets): "
        f"{report_s * 1000:,.1f} ms median, p95 {report_p95 * 1000:,.1f} ms (target p95 < 50 ms); "
        f"ceiling (raw find of those buckets): {raw_s * 1000:,.1f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
