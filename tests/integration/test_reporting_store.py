"""The reporting read models on the real store: concurrent writers on one aggregate bucket, and a
generation being rebuilt that the replay and the live consumer both write to."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bench.reporting_feed import PROCEDURES, FeedBuilder
from services.reporting.adapters.mongo_reader import MongoAggregateReader
from services.reporting.adapters.mongo_store import Collections
from services.reporting.domain.contributions import Counters, local_day
from services.reporting.service_layer.read_models import ReadModels
from services.reporting.service_layer.rebuild import replay_batch
from shared.events.envelope import Envelope
from shared.events.values import SubmissionChannel
from shared.mongo import mongo_client, service_database
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration
WRITERS, EVENTS_EACH = 20, 10
RECEIVED = datetime(2024, 5, 6, 2, tzinfo=UTC)
PROCEDURE = PROCEDURES[0]


@pytest.fixture
async def read_models(settings: ServiceSettings) -> AsyncIterator[ReadModels]:
    async with mongo_client(settings) as client:
        db = service_database(client, settings)
        yield ReadModels(db)
        await client.drop_database(settings.mongodb_database)


def submissions(agency: str, count: int) -> list[Envelope]:
    """``count`` cases of one agency and procedure received the same minute: one flow bucket."""
    feed = FeedBuilder(agency, "Đơn vị thử ghi đồng thời", seed=5)
    channel = SubmissionChannel.ONLINE
    return [
        feed.submitted(RECEIVED + timedelta(seconds=i), PROCEDURE, channel) for i in range(count)
    ]


async def received(read_models: ReadModels, generation: int, agency: str) -> Counters:
    """The agency's flow counters of the reception day, as reports sum them."""
    reader = MongoAggregateReader(read_models.db, Collections(generation))
    day = local_day(RECEIVED)
    return (await reader.sums("flow", {"agency": agency}, day, day, "agency"))[agency]


async def test_concurrent_writers_on_one_bucket_count_every_event_once(
    read_models: ReadModels,
) -> None:
    events = submissions("DONGTHOI.NA", WRITERS * EVENTS_EACH)

    async def writer(mine: list[Envelope]) -> None:
        for event in mine:  # one unit of work per event, as the consumer's fallback does
            outcome = await read_models.apply([event])
            assert outcome.applied == 1

    chunks = [events[i::WRITERS] for i in range(WRITERS)]
    await asyncio.gather(*(writer(chunk) for chunk in chunks))
    active = (await read_models.control.current()).active
    counters = await received(read_models, active, "DONGTHOI.NA")
    assert (counters["received"], counters["received_online"]) == (200, 200)
    cases = await read_models.db[Collections(active).cases].count_documents({"version": 1})
    assert cases == 200


async def test_a_generation_being_rebuilt_counts_events_both_writers_apply_once(
    read_models: ReadModels,
) -> None:
    events = submissions("XAYLAI.NA", 80)
    await read_models.apply(events[:20])  # before the rebuild: only in the active generation
    generation = await read_models.control.next_generation()
    await read_models.prepare(generation)
    generations = await read_models.control.start_building(generation)
    new = Collections(generation)
    async with asyncio.TaskGroup() as group:
        for event in events[20:]:
            group.create_task(read_models.apply([event]))
        for i in range(0, 80, 20):
            group.create_task(replay_batch(read_models.uow, new, events[i : i + 20]))
    await read_models.control.abandon(generations)
    for g in (generations.active, generation):
        assert (await received(read_models, g, "XAYLAI.NA"))["received"] == 80, g
