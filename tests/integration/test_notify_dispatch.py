"""Claims, leases and retention of the delivery log on the real store, sending to real sinks."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.sinks.running import RunningSinks, running_sinks
from services.notify.adapters.delivery_log import DELIVERIES, INDEXES, MESSAGES, MongoDeliveryLog
from services.notify.bootstrap import dispatcher_for, identity, template_renderer
from services.notify.domain.delivery import AttemptRecord, DeliveryStatus
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.service_layer.planning import Plan, Retention, plan_delivery
from services.notify.service_layer.ports import Outcome
from services.notify.settings import NotifySettings
from shared.clock import SystemClock
from shared.events.codec import new_event
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import NotificationChannel
from shared.mongo import Document, Transaction, UnitOfWork, ensure_indexes, mongo_client
from shared.outbox import OUTBOX
from shared.settings import ServiceSettings
from tests.integration.notify_support import notify_settings_on
from tests.polling import eventually

pytestmark = pytest.mark.integration

RETENTION = Retention(log=timedelta(days=365), message=timedelta(days=30))
LEASE = timedelta(seconds=60)
DISPATCHERS = 20
CASES = 100  # an SMS and an e-mail each: 200 deliveries


@pytest.fixture(scope="module")
async def sinks(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSinks]:
    async with running_sinks(tmp_path_factory.mktemp("sinks")) as sinks:
        yield sinks


@pytest.fixture(scope="module")
def notify_settings(settings: ServiceSettings, sinks: RunningSinks) -> NotifySettings:
    return notify_settings_on(
        settings,
        sinks,
        notify_dispatch_concurrency=1,
        notify_backoff_initial_s=0.1,
    )


@pytest.fixture(scope="module")
async def db(notify_settings: NotifySettings) -> AsyncIterator[AsyncDatabase[Document]]:
    """Through the services' own client options (timezone-aware dates, standard UUIDs)."""
    async with mongo_client(notify_settings) as client:
        db = client[notify_settings.mongodb_database]
        await ensure_indexes(db, INDEXES)
        yield db


@pytest.fixture
async def log(db: AsyncDatabase[Document]) -> MongoDeliveryLog:
    for collection in (DELIVERIES, MESSAGES, OUTBOX):
        await db[collection].delete_many({})
    return MongoDeliveryLog(db, UnitOfWork(db))


async def planned(
    log: MongoDeliveryLog, settings: NotifySettings, cases: int, now: datetime
) -> list[Plan]:
    """Due deliveries of ``cases`` case-submitted events, stored as the handler stores them."""
    renderer = template_renderer(settings)
    plans = []
    for n in range(cases):
        data = EXAMPLES[CaseSubmitted].model_copy(update={"case_code": f"SNV.NA-250714-{n:04d}"})
        event = new_event(data)
        plans += [
            plan_delivery(
                event,
                "case-submitted",
                "case-submitted",
                channel,
                renderer=renderer,
                now=now,
                retention=RETENTION,
                identity=identity(settings),
            )
            for channel in (NotificationChannel.SMS, NotificationChannel.EMAIL)
        ]

    async def store(tx: Transaction) -> None:
        for plan in plans:
            log.add(tx, plan.delivery, plan.message)

    await UnitOfWork(log.collection.database).run(store)
    return plans


async def test_twenty_dispatchers_send_two_hundred_deliveries_each_exactly_once(
    db: AsyncDatabase[Document],
    log: MongoDeliveryLog,
    notify_settings: NotifySettings,
    sinks: RunningSinks,
) -> None:
    plans = await planned(log, notify_settings, CASES, datetime.now(UTC))
    outcomes = OutcomeEvents(notify_settings.topic, "notify")
    async with AsyncExitStack() as stack:
        dispatchers = [
            dispatcher_for(stack, notify_settings, db, log, outcomes, SystemClock())
            for _ in range(DISPATCHERS)
        ]

        async def all_final() -> bool:
            await asyncio.gather(*(d.run_once() for d in dispatchers))
            return await log.collection.count_documents({"status": {"$ne": "sent"}}) == 0

        # A provider may fail an attempt on a loaded machine (a dropped connection): the retry
        # is part of the contract, so the dispatchers go on until every delivery is final.
        await eventually(all_final, what="every delivery sent", timeout_s=120, interval_s=0.2)

    ids = {p.delivery.id for p in plans}
    stored = await log.collection.find({}, {"attempts": 1, "attempt_log": 1}).to_list()
    # Every claim recorded its own outcome: no claim was taken over, none overwritten.
    assert all(len(d["attempt_log"]) == d["attempts"] for d in stored)
    attempts = {d["_id"]: d["attempts"] for d in stored}
    sms = Counter(body["reference"] for body in await sinks.sms())
    mail = Counter(m["Message-ID"].strip("<>").partition("@")[0] for m in await sinks.mail())
    assert sms.keys() | mail.keys() == ids
    assert set(sms.values()) == {1}  # the gateway drops a repeat of a reference
    # An e-mail goes to the server once per claim at most, and once when its first attempt held.
    assert all(1 <= mail[id_] <= attempts[id_] for id_ in mail)
    assert all(mail[id_] == 1 for id_ in mail if attempts[id_] == 1)
    assert await log.collection.database[OUTBOX].count_documents({}) == len(ids)


async def test_of_many_concurrent_claims_one_wins_and_one_takes_over_a_lapsed_lease(
    log: MongoDeliveryLog, notify_settings: NotifySettings
) -> None:
    now = datetime.now(UTC)
    await planned(log, notify_settings, 1, now)
    claims = await asyncio.gather(*(log.claim(f"replica-{n}", now, now + LEASE) for n in range(16)))
    won = [c for c in claims if c is not None]
    assert len(won) == 2  # the SMS and the e-mail, each to one claimant
    assert {c.delivery.status for c in won} == {DeliveryStatus.SENDING}
    assert all(c.message is not None and not c.taken_over for c in won)

    assert await log.claim("early", now + LEASE / 2, now + LEASE) is None
    later = now + LEASE + timedelta(seconds=1)
    takeovers = await asyncio.gather(
        *(log.claim(f"late-{n}", later, later + LEASE) for n in range(16))
    )
    taken = [c for c in takeovers if c is not None]
    assert len(taken) == 2 and all(c.taken_over for c in taken)
    assert {c.delivery.attempts for c in taken} == {2}

    # The first holder's late outcome is refused; the new holder's is stored.
    outcome = Outcome({"status": "sent", "due_at": None}, AttemptRecord(at=later))
    assert not await log.record(won[0].delivery, outcome)
    mine = next(c for c in taken if c.delivery.id == won[0].delivery.id)
    assert await log.record(mine.delivery, outcome)
    stored = await log.get(mine.delivery.id)
    assert stored is not None and (stored.status, stored.claim) == (DeliveryStatus.SENT, None)


async def test_the_log_and_the_messages_expire_by_ttl_indexes(db: AsyncDatabase[Any]) -> None:
    for collection in (DELIVERIES, MESSAGES):
        ttl = [
            index
            for index in (await db[collection].index_information()).values()
            if "expireAfterSeconds" in index
        ]
        assert [(i["key"], i["expireAfterSeconds"]) for i in ttl] == [([("expires_at", 1)], 0)]
