"""Personal data in notify's store (issue 12): the delivery log keeps a masked recipient and a
keyed hash; the address and the text go with their retention, and a resend then says why not."""

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from services.notify.adapters.delivery_log import DELIVERIES, INDEXES, MESSAGES, MongoDeliveryLog
from services.notify.bootstrap import identity, template_renderer
from services.notify.domain.delivery import DeliveryStatus
from services.notify.domain.privacy import DeliveryKeys
from services.notify.service_layer import officers
from services.notify.service_layer.handlers import Notifier
from services.notify.service_layer.outcomes import OutcomeEvents
from services.notify.service_layer.planning import Retention
from services.notify.settings import NotifySettings
from shared.events.codec import new_event
from shared.events.envelope import Envelope
from shared.events.examples import APPLICANT, EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import NotificationChannel
from shared.mongo import Document, UnitOfWork, ensure_indexes, mongo_client
from shared.settings import ServiceSettings
from tests.polling import eventually
from tests.tokens import officer

CLERK = officer("reception_clerk", "SNV.NA", "clerk-07")

pytestmark = pytest.mark.integration

SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL
KEY = "the integration test's own hash key"


@pytest.fixture(scope="module")
def notify_settings(settings: ServiceSettings) -> NotifySettings:
    connection = settings.model_dump(
        include={"kafka_bootstrap_servers", "mongodb_uri", "mongodb_database", "topic_prefix"}
    )
    return NotifySettings.model_validate(
        {**connection, "notify_hash_key": KEY, "sms_senders": {"SNV": "SONOIVU NA"}}
    )


@pytest.fixture(scope="module")
async def db(notify_settings: NotifySettings) -> AsyncIterator[AsyncDatabase[Document]]:
    async with mongo_client(notify_settings) as client:
        db = client[notify_settings.mongodb_database]
        await ensure_indexes(db, INDEXES)
        yield db


def notifier(db: AsyncDatabase[Document], settings: NotifySettings, keep: timedelta) -> Notifier:
    log = MongoDeliveryLog(db, UnitOfWork(db))
    retention = Retention(log=timedelta(days=365), message=keep)
    outcomes = OutcomeEvents(settings.topic, "notify")
    return Notifier(log, template_renderer(settings), outcomes, retention, identity(settings))


async def handled(db: AsyncDatabase[Document], notifier: Notifier, case: str) -> Envelope[Any]:
    data = EXAMPLES[CaseSubmitted].model_copy(update={"case_code": case})
    event = new_event(data)
    await UnitOfWork(db).run(lambda tx: notifier.on_milestone(tx, event))
    return event


async def test_the_log_holds_no_address_name_or_id_number_yet_finds_a_recipient(
    db: AsyncDatabase[Document], notify_settings: NotifySettings
) -> None:
    case = "SNV.NA-250714-0301"
    await handled(db, notifier(db, notify_settings, timedelta(days=30)), case)
    stored = await db[DELIVERIES].find({"case_code": case}).to_list()
    assert len(stored) == 2
    text = repr(stored)
    for personal in (APPLICANT.phone, "912345678", "hoa.nguyen", APPLICANT.full_name):
        assert personal not in text
    assert APPLICANT.citizen_id not in text
    assert {d["recipient_masked"] for d in stored} == {"+8491*****78", "h***@example.vn"}

    log, keys = MongoDeliveryLog(db, UnitOfWork(db)), identity(notify_settings).keys
    # Found however the officer writes the number, and only with the deployment's key.
    found = await officers.deliveries_to(log, keys, SMS, "0912 345 678")
    assert [(d.case_code, d.channel) for d in found] == [(case, SMS)]
    by_mail = await officers.deliveries_to(log, keys, EMAIL, "Hoa.Nguyen@Example.VN")
    assert [d.channel for d in by_mail] == [EMAIL]
    other_key = DeliveryKeys("another deployment's key")
    assert await officers.deliveries_to(log, other_key, SMS, "0912345678") == []

    # What is sent is kept apart, for the retention only, under the agency's brandname.
    [sms] = await db[MESSAGES].find({"_id": found[0].id}).to_list()
    assert sms["recipient"] == APPLICANT.phone and sms["sms"]["sender"] == "SONOIVU NA"


async def test_after_the_retention_the_text_and_address_are_gone_and_a_resend_says_so(
    db: AsyncDatabase[Document], notify_settings: NotifySettings
) -> None:
    case = "SNV.NA-250714-0302"
    await handled(db, notifier(db, notify_settings, timedelta(seconds=1)), case)
    log = MongoDeliveryLog(db, UnitOfWork(db))
    [sms] = [d for d in await log.for_case(case) if d.channel is SMS]
    await db[DELIVERIES].update_one({"_id": sms.id}, {"$set": {"status": "sent", "due_at": None}})
    later = datetime.now(UTC) + timedelta(seconds=2)

    # Past its expiry a message is no longer read, whether or not the TTL monitor ran yet.
    assert await log.message(sms.id, later) is None
    with pytest.raises(officers.NotResendable, match=officers.CONTENT_GONE):
        await officers.resend(log, sms.id, later, lambda: None, CLERK)
    # A dispatcher that claims it (made the most overdue entry) gets no content to send.
    overdue = {"status": "retrying", "due_at": datetime(2000, 1, 1, tzinfo=UTC)}
    await db[DELIVERIES].update_one({"_id": sms.id}, {"$set": overdue})
    claimed = await log.claim("replica", later, later + timedelta(seconds=30))
    assert claimed is not None and claimed.delivery.id == sms.id and claimed.message is None
    await db[DELIVERIES].update_one({"_id": sms.id}, {"$set": {"status": "sent", "due_at": None}})

    # And the TTL index deletes it: on SecantusDB a pass can be asked for; MongoDB's monitor runs
    # every 60 seconds.
    async def gone() -> bool:
        with contextlib.suppress(OperationFailure):
            await db.client.admin.command("secantusAdmin.pruneTtl")
        return await db[MESSAGES].count_documents({"_id": sms.id}) == 0

    await eventually(gone, what="the expired message to be deleted", timeout_s=90)
    entry = await log.get(sms.id)
    assert entry is not None and entry.status is DeliveryStatus.SENT  # the log stays
