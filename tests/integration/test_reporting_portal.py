"""The national portal sync on the real broker and store, sending to the real portal sink: a
case's record with its progress arrives, an outage then recovery delivers each record once, a
refusal is dead-lettered."""

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from bench.reporting_feed import publish
from devstack.sinks.running import RunningSinks, running_sinks
from services.reporting.adapters.portal_refusals import PORTAL_DLQ
from services.reporting.adapters.portal_store import RECORDS
from services.reporting.entrypoints.app import create_app
from services.reporting.settings import ReportingSettings
from shared.events.codec import new_event
from shared.events.decisions import CaseResolved
from shared.events.envelope import Envelope, EventData
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.workflow import StepCompleted
from shared.kafka.reader import read_topic
from shared.mongo import Document, mongo_client
from shared.outbox import OUTBOX
from shared.settings import ServiceSettings
from tests.tokens import bearer

pytestmark = pytest.mark.integration
DEADLINE_S = 20


@pytest.fixture(scope="module")
async def sinks(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSinks]:
    async with running_sinks(tmp_path_factory.mktemp("portal-sinks")) as sinks:
        yield sinks


@pytest.fixture(scope="module")
def reporting_settings(settings: ServiceSettings, sinks: RunningSinks) -> ReportingSettings:
    return ReportingSettings(
        **settings.model_dump(exclude={"service_name"}),
        portal_sync_url=f"{sinks.url}/portal/sync",
        portal_sync_backoff_initial_s=0.2,
        portal_sync_backoff_max_s=0.5,
        portal_sync_poll_interval_s=0.2,
    )


@pytest.fixture(scope="module")
async def reporting(reporting_settings: ReportingSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(reporting_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:
            yield http


@pytest.fixture(scope="module")
async def db(reporting_settings: ReportingSettings) -> AsyncIterator[AsyncDatabase[Document]]:
    async with mongo_client(reporting_settings) as client:
        yield client[reporting_settings.mongodb_database]


def event(kind: type[EventData], case: str) -> Envelope[Any]:
    return new_event(EXAMPLES[kind].model_copy(update={"case_code": case}))


async def received(sinks: RunningSinks) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = (await sinks.http.get("/portal/sync")).raise_for_status().json()
    return listed


async def fail(sinks: RunningSinks, count: int, status: int) -> None:
    params = {"count": count, "status": status}
    (await sinks.http.post("/portal/faults", params=params)).raise_for_status()


async def eventually(probe: Callable[[], Awaitable[Any]], done: Callable[[Any], bool]) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while not done(value := await probe()):
        if loop.time() > deadline:
            pytest.fail(f"timed out; last value: {value!r}")
        await asyncio.sleep(0.2)
    return value


def is_zero(count: int) -> bool:
    return count == 0


def cases(items: list[dict[str, Any]]) -> Counter[str]:
    return Counter(item["body"]["case_code"] for item in items)


async def test_a_case_reaches_the_portal_with_its_progress(
    reporting: httpx.AsyncClient, reporting_settings: ReportingSettings, sinks: RunningSinks
) -> None:
    case = "SNV.NA-250714-0101"
    feed = [event(kind, case) for kind in (CaseSubmitted, StepCompleted, CaseResolved)]
    await publish(reporting_settings, feed)

    def progressed(items: list[dict[str, Any]]) -> bool:
        # The three events come on three topics, in any order: the record is whole once the
        # portal has all three steps.
        bodies = [i["body"] for i in items if i["body"]["case_code"] == case]
        return any(len(b["progress"]) == 3 for b in bodies)

    items = await eventually(lambda: received(sinks), progressed)
    last = [i for i in items if i["body"]["case_code"] == case][-1]
    assert [s["status"] for s in last["body"]["progress"]] == [2, 4, 9]  # in time order
    assert last["body"]["status"] == 9
    assert all(s["agency"] == "SNV.NA" and s["at"] for s in last["body"]["progress"])
    assert last["body"]["dossier"]["procedure_code"] == feed[0].data.procedure_code
    assert last["key"] in {str(e.id) for e in feed}


async def test_an_outage_then_recovery_delivers_each_record_once(
    reporting: httpx.AsyncClient,
    reporting_settings: ReportingSettings,
    sinks: RunningSinks,
    db: AsyncDatabase[Document],
) -> None:
    await fail(sinks, 4, 503)
    feed = [event(CaseSubmitted, f"SNV.NA-250714-02{n:02d}") for n in range(5)]
    await publish(reporting_settings, feed)
    codes = {e.subject for e in feed}
    items = await eventually(lambda: received(sinks), lambda i: codes <= set(cases(i)))
    assert {code: cases(items)[code] for code in codes} == dict.fromkeys(codes, 1)
    assert {i["key"] for i in items if i["body"]["case_code"] in codes} == {str(e.id) for e in feed}
    # The outcome is recorded just after the portal's answer.
    await eventually(
        lambda: db[RECORDS].find({"_id": {"$in": sorted(codes)}}).to_list(),
        lambda stored: {(d["pending"], d["due_at"]) for d in stored} == {(None, None)},
    )


async def test_a_refusal_is_dead_lettered(
    reporting: httpx.AsyncClient,
    reporting_settings: ReportingSettings,
    sinks: RunningSinks,
    db: AsyncDatabase[Document],
) -> None:
    # The one failure armed below must meet this case's record, not an earlier one still due.
    await eventually(lambda: db[RECORDS].count_documents({"pending": {"$ne": None}}), is_zero)
    await fail(sinks, 1, 400)
    refused = event(CaseSubmitted, "SNV.NA-250714-0301")
    await publish(reporting_settings, [refused])
    letters = await eventually(
        lambda: read_topic(reporting_settings, PORTAL_DLQ),
        lambda found: any(r.key == refused.subject.encode() for r in found),
    )
    [letter] = [r for r in letters if r.key == refused.subject.encode()]
    body = json.loads(letter.value)
    assert body["event_id"] == str(refused.id) and body["attempts"] == 1
    assert "400" in body["reason"] and "400" in dict(letter.headers)["dlq_reason"].decode()
    assert body["payload"]["case_code"] == refused.subject
    assert refused.subject not in cases(await received(sinks))
    # Parked once: the outbox it went through is empty again.
    await eventually(lambda: db[OUTBOX].count_documents({}), is_zero)
    # Once the cause is fixed, an administrator sends it again, audited.
    resend = f"/portal/records/{refused.subject}/resend"
    assert (await reporting.post(resend, headers=bearer("manager", "SNV.NA"))).status_code == 403
    answer = await reporting.post(resend, headers=bearer("admin", "SNV.NA"))
    assert answer.status_code == 202, answer.text
    key = answer.json()["idempotency_key"]
    items = await eventually(lambda: received(sinks), lambda i: refused.subject in cases(i))
    assert [i["key"] for i in items if i["body"]["case_code"] == refused.subject] == [key]
    again = await reporting.post(resend, headers=bearer("admin", "SNV.NA"))
    assert again.status_code == 409 and again.json()["detail"][0]["field"] == "path.code"
    unknown = "/portal/records/SNV.NA-250714-9999/resend"
    assert (await reporting.post(unknown, headers=bearer("admin", "SNV.NA"))).status_code == 404
    trail = await reporting.get(
        "/audit", params={"case_code": refused.subject}, headers=bearer("admin", "SNV.NA")
    )
    assert [e["action"] for e in trail.json()["entries"]] == ["portal.resend"], trail.text


async def test_the_service_quality_route_counts_the_records_the_portal_has(
    reporting: httpx.AsyncClient,
) -> None:
    params = {"from": "2025-07-01", "to": "2025-07-31"}
    assert (await reporting.get("/reports/service-quality", params=params)).status_code == 401
    answer = await reporting.get(
        "/reports/service-quality", params=params, headers=bearer("manager", "SNV.NA")
    )
    assert answer.status_code == 200, answer.text
    [row] = answer.json()["rows"]
    publicity = {i["group"]: i for i in row["indicators"]}["Công khai, minh bạch"]
    # Seven cases received, each with its progress there (the refused one once sent again).
    assert (publicity["numerator"], publicity["denominator"]) == (7, 7)
    assert "766/QĐ-TTg" in answer.json()["source"] and answer.json()["not_computed"]


async def test_the_sink_drops_a_repeated_idempotency_key(sinks: RunningSinks) -> None:
    async with httpx.AsyncClient(base_url=sinks.url) as client:
        for _ in range(2):
            answer = await client.post(
                "/portal/sync", json={"case_code": "X"}, headers={"Idempotency-Key": "k-1"}
            )
            answer.raise_for_status()
    assert answer.json() == {"status": "accepted", "duplicate": True}
    assert [i["key"] for i in await received(sinks)].count("k-1") == 1
