"""The citizen's view follows the workflow's events (consumed from the real broker, once each),
and the desk's later steps publish theirs: supplement, result returned, rating."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.intake.settings import IntakeSettings
from shared.clock import ManualClock
from shared.events.codec import decode, new_event
from shared.events.workflow import Wait
from shared.kafka import EventProducer, dlq_topic
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.integration.intake_support import (
    CLERK,
    intake_client,
    intake_settings,
    published,
)
from tests.polling import eventually
from tests.tokens import bearer
from tests.unit.intake_fakes import (
    CITIZEN_ID,
    COMMUNE,
    MISSING,
    dossier,
    july,
    resolved,
    resumed,
    step_completed,
    supplement_requested,
)

pytestmark = pytest.mark.integration

INDICATORS = {
    "total_time": 2,
    "unit_time": 2,
    "contacts": 1,
    "agencies_contacted": 2,
    "one_stop": 2,
    "publicly_posted": 1,
    "staff_attitude": 2,
    "feedback_handling": 1,
    "online_quality": 1,
}


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(july(14, 9))


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
async def producer(service_settings: IntakeSettings) -> AsyncIterator[EventProducer]:
    async with EventProducer(service_settings) as producer:
        yield producer


async def lookup(client: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await client.post("/lookup", json={"code": code, "citizen_id": CITIZEN_ID})
    assert response.status_code == 200
    return response.json()


async def until_status(client: httpx.AsyncClient, code: str, status: int) -> dict[str, Any]:
    return await eventually(
        lambda: lookup(client, code),
        until=lambda view: view["status"]["code"] == status,
        what=f"{status}",
    )


async def test_a_case_through_supplement_resolution_return_and_rating(
    client: httpx.AsyncClient,
    clock: ManualClock,
    producer: EventProducer,
    service_settings: IntakeSettings,
) -> None:
    clock.set(july(14, 9))
    code = (await client.post("/cases", json=dossier())).json()["code"]
    requested = new_event(supplement_requested(code, july(16, 10)))
    # Delivered twice, applied once.
    await producer.publish(requested)
    await producer.publish(requested)
    waiting = await until_status(client, code, 5)
    assert waiting["status"]["label"] == "Yêu cầu bổ sung hồ sơ"

    clock.set(july(21, 9))
    supplement = {"documents": [MISSING.model_dump(mode="json")]}
    received = await client.post(f"/cases/{code}/supplements", json=supplement, headers=CLERK)
    assert received.status_code == 200, received.text
    # The workflow owns deadlines: the due date stays Mon 21/7 until it says where it moved.
    assert received.json()["due_at"] == "2025-07-21T10:00:00Z"
    again = await client.post(f"/cases/{code}/supplements", json=supplement, headers=CLERK)
    assert again.status_code == 409
    # Mon 21/7 moves by the three working days waited (Thu 17, Fri 18, Mon 21); delivered twice.
    moved = new_event(resumed(code, Wait.SUPPLEMENT, july(21, 9), 3, july(21, 17), july(24, 17)))
    await producer.publish(moved)
    await producer.publish(moved)
    await eventually(
        lambda: lookup(client, code),
        until=lambda view: view["due_at"] == "2025-07-24T10:00:00Z",
        what="the workflow's due date",
    )

    await producer.publish(new_event(resolved(code, july(23, 15), july(24, 17))))
    await until_status(client, code, 9)

    clock.set(july(24, 8))
    returned = await client.post(f"/cases/{code}/result-returned", headers=CLERK)
    assert returned.json()["status"] == {"code": 10, "label": "Đã trả kết quả"}
    rating = {"citizen_id": CITIZEN_ID, "indicators": INDICATORS}
    rated = await client.post(f"/cases/{code}/rating", json=rating)
    assert rated.json() == {"status": "recorded", "code": code}
    stored = (await client.get(f"/cases/{code}", headers=CLERK)).json()["rating"]
    # Five indicators come from the case, not the body: early (2, 2), one supplement (agencies 1),
    # desk and publication 1 each; with the citizen's 1 + 2 + 1 + 1 that is 12.
    assert stored["total_points"] == 12 and stored["overall"] == "satisfied"
    second = await client.post(f"/cases/{code}/rating", json=rating)
    assert second.status_code == 409
    assert second.json()["detail"][0]["field"] == "rating"

    view = await lookup(client, code)
    notes = [entry["note"] for entry in view["timeline"]]
    assert len(notes) == 7
    assert notes[1].startswith("Yêu cầu bổ sung hồ sơ")
    assert notes[3] == "Tiếp tục xử lý sau khi bổ sung hồ sơ, hẹn trả kết quả ngày 24/07/2025"
    for topic in ("supplement-received", "result-returned", "case-rated"):
        events = await eventually(
            lambda t=topic: published(service_settings, t),
            until=lambda found: any(e.subject == code for e in found),
            what=topic,
        )
        assert [e.subject for e in events].count(code) == 1
    # The clerk's actions, not the citizen's rating, are in the audit trail, chained.
    manager = bearer("manager", COMMUNE, "ql.son")
    params = {"case_code": code, "verify": "true"}
    trail = (await client.get("/audit", params=params, headers=manager)).json()
    actions = [(e["action"], e["officer_id"], e["after"]["status"]) for e in trail["entries"]]
    assert actions == [
        ("return_result", "tn.lan", 10),
        ("receive_supplement", "tn.lan", 4),
        ("receive", "tn.lan", 2),
    ]
    assert trail["chain"]["intact"] is True


async def test_desk_steps_need_a_reception_clerk(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    clock.set(july(14, 10))
    code = (await client.post("/cases", json=dossier())).json()["code"]
    specialist = bearer("specialist", COMMUNE, "cv.minh")
    refused = await client.post(f"/cases/{code}/result-returned", headers=specialist)
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["field"] == "token.roles"
    other_desk = bearer("reception_clerk", "BICHHAO", "tn.khac")
    assert (await client.get(f"/cases/{code}", headers=other_desk)).status_code == 403
    anonymous = await client.get(f"/cases/{code}", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    unknown = await client.post("/cases/DAIDONG-250714-9999/result-returned", headers=CLERK)
    assert unknown.status_code == 404
    assert unknown.json()["detail"][0]["field"] == "path.code"
    early = await client.post(f"/cases/{code}/result-returned", headers=CLERK)
    assert early.status_code == 409


async def test_an_event_about_an_unknown_case_is_dead_lettered_and_the_rest_go_on(
    client: httpx.AsyncClient,
    clock: ManualClock,
    producer: EventProducer,
    service_settings: IntakeSettings,
) -> None:
    clock.set(july(15, 9))
    code = (await client.post("/cases", json=dossier())).json()["code"]
    unknown = new_event(step_completed("DAIDONG-250715-9999", july(15, 10)))
    await producer.publish(unknown)
    await producer.publish(new_event(resolved(code, july(15, 11), july(22, 17))))
    await until_status(client, code, 9)
    dead = await eventually(
        lambda: read_topic(service_settings, dlq_topic("step-completed")),
        what="the dead letter",
    )
    assert [decode(r.value, topic="step-completed").id for r in dead] == [unknown.id]
