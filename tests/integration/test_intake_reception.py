"""Reception on the real broker and store: numbering under load, idempotency, the outbox, bad
input and lookup, driven through the HTTP API with a controlled clock."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.intake.adapters.case_repository import CASES
from services.intake.settings import IntakeSettings
from shared.calendar import LOCAL_TZ
from shared.clock import ManualClock
from shared.kafka import EventProducer
from shared.outbox import OUTBOX, OutboxRelay
from shared.settings import ServiceSettings
from tests.integration.intake_support import (
    CLERK,
    intake_client,
    intake_settings,
    published,
)
from tests.polling import eventually
from tests.tokens import bearer
from tests.unit.intake_fakes import CITIZEN_ID, dossier

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(datetime(2025, 7, 14, 9, tzinfo=LOCAL_TZ))


@pytest.fixture(scope="module")
async def client(
    service_settings: IntakeSettings, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    async with intake_client(service_settings, clock) as client:
        yield client


@pytest.fixture(scope="module")
def service_settings(settings: ServiceSettings) -> IntakeSettings:
    return intake_settings(settings)


@pytest.fixture(scope="module")
async def replica(
    service_settings: IntakeSettings, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    """A second replica of the service on the same database and topics."""
    async with intake_client(service_settings, clock) as client:
        yield client


@pytest.fixture(scope="module")
async def cases(service_settings: IntakeSettings) -> AsyncIterator:
    mongo: AsyncMongoClient = AsyncMongoClient(service_settings.mongodb_uri)
    yield mongo[service_settings.mongodb_database][CASES]
    await mongo.close()


async def submitted_codes(settings: ServiceSettings) -> Counter[str]:
    return Counter(e.subject for e in await published(settings, "case-submitted"))


async def test_200_concurrent_submissions_on_two_replicas_get_200_consecutive_codes(
    client: httpx.AsyncClient,
    replica: httpx.AsyncClient,
    clock: ManualClock,
    service_settings: IntakeSettings,
) -> None:
    clock.set(datetime(2025, 7, 15, 10, tzinfo=LOCAL_TZ))
    replicas = [client, replica]
    responses = await asyncio.gather(
        *(replicas[i % 2].post("/cases", json=dossier()) for i in range(200))
    )
    assert {r.status_code for r in responses} == {201}
    codes = sorted(r.json()["code"] for r in responses)
    assert codes == [f"DAIDONG-250715-{n:04d}" for n in range(1, 201)]
    await eventually(
        lambda: submitted_codes(service_settings),
        until=lambda seen: set(codes) <= set(seen),
        what="the 200 case-submitted events",
    )


async def test_the_same_idempotency_key_yields_one_case_and_one_event(
    client: httpx.AsyncClient, clock: ManualClock, cases, service_settings: IntakeSettings
) -> None:
    clock.set(datetime(2025, 7, 16, 10, tzinfo=LOCAL_TZ))
    headers = {"Idempotency-Key": "desk-3-20250716-0007"}
    first = await client.post("/cases", json=dossier(), headers=headers)
    again = await asyncio.gather(
        *(client.post("/cases", json=dossier(), headers=headers) for _ in range(5))
    )
    assert first.status_code == 201
    assert {r.status_code for r in again} == {200}
    code = first.json()["code"]
    assert {r.json()["code"] for r in again} == {code}
    assert await cases.count_documents({"idempotency_key": "key:desk-3-20250716-0007"}) == 1
    await eventually(
        lambda: submitted_codes(service_settings), until=lambda seen: code in seen, what="the event"
    )
    assert (await submitted_codes(service_settings))[code] == 1
    # The next submission of the day takes the next number: the retries consumed none.
    following = await client.post("/cases", json=dossier())
    assert following.json()["code"] == f"{code[:-4]}{int(code[-4:]) + 1:04d}"


async def test_50_concurrent_receptions_of_one_agency_and_day_get_50_consecutive_numbers(
    client: httpx.AsyncClient, clock: ManualClock, cases, service_settings: IntakeSettings
) -> None:
    clock.set(datetime(2025, 7, 17, 9, tzinfo=LOCAL_TZ))
    responses = await asyncio.gather(*(client.post("/cases", json=dossier()) for _ in range(50)))
    assert {r.status_code for r in responses} == {201}
    codes = sorted(r.json()["code"] for r in responses)
    assert codes == [f"DAIDONG-250717-{n:04d}" for n in range(1, 51)]
    assert await cases.count_documents({"_id": {"$regex": "^DAIDONG-250717-"}}) == 50
    seen = await eventually(
        lambda: submitted_codes(service_settings),
        until=lambda seen: set(codes) <= set(seen),
        what="the 50 case-submitted events",
    )
    assert [seen[code] for code in codes] == [1] * 50


async def test_20_concurrent_posts_with_one_key_store_one_case_and_one_event(
    client: httpx.AsyncClient, clock: ManualClock, cases, service_settings: IntakeSettings
) -> None:
    clock.set(datetime(2025, 7, 17, 10, tzinfo=LOCAL_TZ))
    headers = {"Idempotency-Key": "portal-retry-42"}
    responses = await asyncio.gather(
        *(client.post("/cases", json=dossier(), headers=headers) for _ in range(20))
    )
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    [code] = {r.json()["code"] for r in responses}
    assert await cases.count_documents({"idempotency_key": "key:portal-retry-42"}) == 1
    await eventually(
        lambda: submitted_codes(service_settings), until=lambda seen: code in seen, what="the event"
    )
    assert (await submitted_codes(service_settings))[code] == 1
    # Requests that lost the race leave their numbers unused (a gap), never a second case.
    following = (await client.post("/cases", json=dossier())).json()["code"]
    assert following[:-4] == code[:-4] and int(following[-4:]) > int(code[-4:])


async def test_a_key_reused_for_another_dossier_is_refused(
    client: httpx.AsyncClient, clock: ManualClock, cases
) -> None:
    clock.set(datetime(2025, 7, 17, 11, tzinfo=LOCAL_TZ))
    headers = {"Idempotency-Key": "reused-key"}
    assert (await client.post("/cases", json=dossier(), headers=headers)).status_code == 201
    before = await cases.count_documents({})
    response = await client.post("/cases", json=dossier(channel="postal"), headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "header.idempotency-key"
    assert await cases.count_documents({}) == before


async def test_a_stop_between_storing_and_publishing_still_publishes_once(
    service_settings: IntakeSettings,
) -> None:
    """Store with no relay running (the process "stopped"), then run two relays at once."""
    stopped = service_settings.model_copy(
        update={
            "workers_enabled": False,
            "mongodb_database": f"{service_settings.mongodb_database}_stopped",
        }
    )
    day = ManualClock(datetime(2025, 7, 18, 9, tzinfo=LOCAL_TZ))
    async with intake_client(stopped, day) as desk:
        stored = [(await desk.post("/cases", json=dossier())).json()["code"] for _ in range(3)]
    mongo: AsyncMongoClient = AsyncMongoClient(stopped.mongodb_uri, tz_aware=True)
    db = mongo[stopped.mongodb_database]
    try:
        seen = await submitted_codes(service_settings)
        assert not any(code in seen for code in stored)
        async with EventProducer(stopped) as producer:
            assert await db[OUTBOX].count_documents({}) == 3
            relays = [OutboxRelay(db, producer, stopped) for _ in range(2)]
            await asyncio.gather(*(relay.drain() for relay in relays))
            # Both polled until nothing was left; a later poll finds nothing new either.
            assert [await relay.drain() for relay in relays] == [0, 0]
            assert await db[OUTBOX].count_documents({}) == 0
        seen = await submitted_codes(service_settings)
        assert [seen[code] for code in stored] == [1, 1, 1]
    finally:
        # Not dropped: SecantusDB 0.7.0b3 can hang on dropDatabase (devstack/store/secantus.py).
        await mongo.close()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"procedure_code": "1.001653",', "body"),
        (dossier(procedure_code="1.001731"), "procedure_code"),
        (dossier(agency_code="SNV"), "agency_code"),
        (
            dossier(applicant={**dossier()["applicant"], "citizen_id": "12345"}),
            "body.applicant.citizen_id",
        ),
        (
            dossier(applicant={**dossier()["applicant"], "phone": "0612345678"}),
            "body.applicant.phone",
        ),
        (
            dossier(applicant={**dossier()["applicant"], "email": "hoa@@example"}),
            "body.applicant.email",
        ),
        (dossier(documents=[{"key": "so-do", "kind": "copy", "count": 1}]), "documents.0.key"),
        (dossier(documents=[]), "documents"),
    ],
)
async def test_bad_input_names_the_field_and_stores_nothing(
    client: httpx.AsyncClient, clock: ManualClock, cases, body: object, field: str
) -> None:
    clock.set(datetime(2025, 7, 21, 9, tzinfo=LOCAL_TZ))
    before = await cases.count_documents({})
    if isinstance(body, bytes):
        response = await client.post(
            "/cases", content=body, headers={"Content-Type": "application/json"}
        )
    else:
        # The clerk works at the desk the body names, so the body's own faults are what is refused.
        desk = body.get("agency_code") if isinstance(body, dict) else None
        clerk = bearer("reception_clerk", desk) if isinstance(desk, str) and desk.isupper() else {}
        response = await client.post("/cases", json=body, headers=clerk)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["detail"]] == [field]
    assert await cases.count_documents({}) == before


async def test_an_incomplete_dossier_gets_the_list_of_missing_documents(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    clock.set(datetime(2025, 7, 21, 9, tzinfo=LOCAL_TZ))
    response = await client.post("/cases", json=dossier(documents=[]))
    assert response.status_code == 422
    [missing] = response.json()["missing_documents"]
    assert missing["name"].startswith("Đơn đề nghị")
    assert (missing["copy_kind"], missing["count"]) == ("original", 1)


async def test_an_oversized_body_is_refused_before_parsing(client: httpx.AsyncClient) -> None:
    huge = dossier(applicant={**dossier()["applicant"], "address": "x" * 2_000_000})
    response = await client.post("/cases", json=huge)
    assert response.status_code == 413
    assert response.json()["detail"][0]["field"] == "body"


async def test_lookup_with_a_wrong_id_is_indistinguishable_from_an_unknown_code(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    clock.set(datetime(2025, 7, 22, 9, tzinfo=LOCAL_TZ))
    code = (await client.post("/cases", json=dossier())).json()["code"]

    found = await client.post("/lookup", json={"code": code, "citizen_id": CITIZEN_ID})
    wrong_id = await client.post("/lookup", json={"code": code, "citizen_id": "040085009999"})
    unknown = await client.post(
        "/lookup", json={"code": "DAIDONG-250722-9999", "citizen_id": CITIZEN_ID}
    )

    assert found.status_code == 200
    assert found.json()["status"] == {"code": 2, "label": "Đã tiếp nhận"}
    assert found.json()["due_at"] == "2025-07-29T10:00:00Z"
    assert "applicant" not in found.json()
    assert (wrong_id.status_code, wrong_id.content) == (unknown.status_code, unknown.content)
    assert wrong_id.status_code == 404
    same = {"content-type", "content-length"}
    assert {k: v for k, v in wrong_id.headers.items() if k in same} == {
        k: v for k, v in unknown.headers.items() if k in same
    }


async def test_due_dates_on_the_receipt_skip_tet(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 2, 12, 10, tzinfo=LOCAL_TZ))
    case = (await client.post("/cases", json=dossier())).json()
    assert case["due_at"] == "2026-02-26T10:00:00Z"
    receipt = await client.get(f"/cases/{case['code']}/receipt.pdf", headers=CLERK)
    assert receipt.status_code == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


async def test_the_public_catalogue_searches_filters_and_dates(client: httpx.AsyncClient) -> None:
    commune = await client.get("/procedures", params={"at": "2025-07-14", "agency_level": "xã"})
    assert "1.001653" in [p["code"] for p in commune.json()]
    # Without accents, as citizens type.
    found = await client.get("/procedures", params={"at": "2025-07-14", "q": "khuyet tat"})
    assert "1.001699" in [p["code"] for p in found.json()]
    benefits = await client.get("/procedures", params={"at": "2025-07-14", "is_benefit": True})
    assert all(p["is_benefit"] for p in benefits.json())
    bad_filter = await client.get("/procedures", params={"field": "Thuế"})
    assert bad_filter.status_code == 422
    assert bad_filter.json()["detail"][0]["field"] == "query.field"

    expired = await client.get("/procedures/1.001731", params={"at": "2025-07-14"})
    in_effect = await client.get("/procedures/1.001731", params={"at": "2025-06-02"})
    assert expired.status_code == 404
    assert in_effect.json()["processing_days"] == 5

    in_2018 = await client.get("/agencies", params={"at": "2018-06-01"})
    today = await client.get("/agencies", params={"at": "2025-07-14"})
    assert {"SLDTBXH", "TCH"} <= {a["code"] for a in in_2018.json()}
    assert "TCH" not in {a["code"] for a in today.json()}
    assert "DAIDONG" in {a["code"] for a in today.json()}
