"""Acceptance of interlinked (liên thông) processing on the real broker and store: a procedure
received at a commune is processed by the commune and the department in turn, each seeing it in its
own queue only while it is at its steps, and the control slip shows every hand-over."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from services.workflow.adapters.calendar import DeadlineCalendar
from services.workflow.adapters.definitions import load_processes
from services.workflow.adapters.repository import COLLECTION, to_document
from services.workflow.domain.instance import Instance
from services.workflow.entrypoints.app import create_app
from services.workflow.settings import WorkflowSettings
from shared.clock import ManualClock
from shared.events.codec import decode, new_event
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import TimeUnit
from shared.kafka import EventProducer
from shared.kafka.reader import read_topic
from shared.mongo.transaction import VERSION
from shared.settings import ServiceSettings
from tests.polling import eventually
from tests.tokens import bearer

pytestmark = pytest.mark.integration

CODE = "BICHHAO-250714-0001"
# Cấp bổ sung, cấp lại giấy chứng nhận người có công: UBND xã 05 NLV, then the department; 17 days.
PROCEDURE = "LOCAL.NCC.001"
COMMUNE, DEPARTMENT = "BICHHAO", "SNV"
COMMUNE_NAME, DEPARTMENT_NAME = "Ủy ban nhân dân xã Bích Hào", "Sở Nội vụ tỉnh Nghệ An"
COMMUNE_SPECIALIST = bearer("specialist", COMMUNE, "cv.xa.an")
COMMUNE_CLERK = bearer("reception_clerk", COMMUNE, "tn.xa.binh")
DEPARTMENT_SPECIALIST = bearer("specialist", DEPARTMENT, "cv.so.chi")
DEPARTMENT_LEADER = bearer("leader", DEPARTMENT, "ld.so.dung")


def local(day: int, hour: int) -> datetime:
    """An instant of July 2025 given in Viet Nam's local time (UTC+7)."""
    return datetime(2025, 7, day, hour - 7, tzinfo=UTC)


RECEIVED = local(14, 9)  # Monday
DUE = local(31, 17)  # 17 calendar days later, a Thursday


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(RECEIVED)


@pytest.fixture(scope="module")
def workflow_settings(settings: ServiceSettings) -> WorkflowSettings:
    return WorkflowSettings(**{**settings.model_dump(), "outbox_poll_interval_s": 0.05})


@pytest.fixture(scope="module")
async def client(
    workflow_settings: WorkflowSettings, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(workflow_settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://workflow") as http:
            yield http


@pytest.fixture(scope="module")
async def received(workflow_settings: WorkflowSettings, client: httpx.AsyncClient) -> str:
    """The commune's desk received the dossier: intake's case-submitted, on its topic."""
    data = EXAMPLES[CaseSubmitted].model_copy(
        update={
            "case_code": CODE,
            "procedure_code": PROCEDURE,
            "procedure_name": "Cấp bổ sung hoặc cấp lại giấy chứng nhận người có công",
            "agency_code": COMMUNE,
            "agency_name": COMMUNE_NAME,
            "received_by": "tn.xa.binh",
            "received_at": RECEIVED,
            "processing_days": 17,
            "processing_time_unit": TimeUnit.CALENDAR_DAYS,
            "due_at": DUE,
            "is_benefit": False,
            "payment_programme": None,
        }
    )
    async with EventProducer(workflow_settings) as producer:
        await producer.publish(new_event(data, time=RECEIVED))
    await eventually(
        lambda: client.get(f"/cases/{CODE}", headers=COMMUNE_CLERK),
        until=lambda r: r.status_code == 200,
        what=f"case {CODE} opened",
    )
    return CODE


async def queue(client: httpx.AsyncClient, who: dict[str, str]) -> list[str]:
    response = await client.get("/cases", headers=who)
    assert response.status_code == 200, response.text
    return [item["case_code"] for item in response.json()]


async def post(
    client: httpx.AsyncClient, path: str, who: dict[str, str], body: object = None
) -> dict[str, Any]:
    response = await client.post(path, headers=who, json={} if body is None else body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def transfers(settings: ServiceSettings) -> list[dict[str, Any]]:
    records = await read_topic(settings, "case-transferred")
    events = [decode(r.value, topic="case-transferred") for r in records]
    return [e.data.model_dump(mode="json") for e in events if e.subject == CODE]


async def test_the_commune_then_the_department_process_it_each_in_its_own_queue(
    received: str, client: httpx.AsyncClient, clock: ManualClock, settings: ServiceSettings
) -> None:
    path = f"/cases/{received}"
    assert received in await queue(client, COMMUNE_SPECIALIST)
    assert received not in await queue(client, DEPARTMENT_SPECIALIST)
    # Not the department's yet: it neither reads nor acts on it.
    assert (await client.get(path, headers=DEPARTMENT_SPECIALIST)).status_code == 403
    claim = await client.post(f"{path}/claim", headers=DEPARTMENT_SPECIALIST)
    assert claim.status_code == 403

    clock.set(local(16, 9))
    note = {"note": "UBND xã đã xác nhận, chuyển Sở Nội vụ"}
    case = await post(client, f"{path}/steps/complete", COMMUNE_SPECIALIST, note)
    assert case["step"]["id"] == "tham-dinh-so"
    assert received not in await queue(client, COMMUNE_SPECIALIST)
    assert received in await queue(client, DEPARTMENT_SPECIALIST)
    # The commune no longer acts on it, but its desk still reads it (it answers the applicant).
    claim = await client.post(f"{path}/claim", headers=COMMUNE_SPECIALIST)
    assert claim.status_code == 403, claim.text
    assert (await client.get(path, headers=COMMUNE_CLERK)).status_code == 200

    handed = await eventually(lambda: transfers(settings), what="case-transferred")
    assert [(t["from_agency_code"], t["to_agency_code"]) for t in handed] == [(COMMUNE, DEPARTMENT)]
    assert (handed[0]["given_by"], handed[0]["timeliness"]) == ("cv.xa.an", "early")

    clock.set(local(18, 9))
    await post(client, f"{path}/steps/complete", DEPARTMENT_SPECIALIST)
    clock.set(local(21, 9))
    approve = {"outcome": "approved", "decision_number": "125/QĐ-SNV"}
    case = await post(client, f"{path}/decision", DEPARTMENT_LEADER, approve)
    # The result goes back to the commune's desk, which returns it.
    assert case["step"]["id"] == "tra-ket-qua"
    assert received not in await queue(client, DEPARTMENT_LEADER)
    assert received in await queue(client, COMMUNE_CLERK)
    clock.set(local(22, 9))
    case = await post(client, f"{path}/handover", COMMUNE_CLERK)
    assert case["status"] == 9


async def test_every_hand_over_has_its_giver_receiver_and_timeliness(
    received: str, client: httpx.AsyncClient
) -> None:
    case = (await client.get(f"/cases/{received}", headers=COMMUNE_CLERK)).json()
    rows = [
        (
            row["assignee"],
            row["agency"]["code"],
            row["next_agency"] and row["next_agency"]["code"],
            row["timeliness"],
        )
        for row in case["handoffs"]
    ]
    assert rows == [
        ("cv.xa.an", COMMUNE, DEPARTMENT, "early"),
        ("cv.so.chi", DEPARTMENT, DEPARTMENT, "early"),
        ("ld.so.dung", DEPARTMENT, COMMUNE, "early"),
        ("tn.xa.binh", COMMUNE, None, "early"),
    ]
    # The department reads the case it worked on, the control slip as well.
    slip = await client.get(f"/cases/{received}/control-slip", headers=DEPARTMENT_SPECIALIST)
    assert slip.status_code == 200
    assert [row["assignee"] for row in slip.json()["rows"]] == [r[0] for r in rows]
    assert [row["timeliness"] for row in slip.json()["rows"]] == ["early"] * 4


async def test_the_printed_control_slip_shows_every_hand_over_between_the_agencies(
    received: str, client: httpx.AsyncClient
) -> None:
    page = await client.get(f"/cases/{received}/control-slip.html", headers=COMMUNE_CLERK)
    assert page.status_code == 200, page.text
    rows = [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for row in re.findall(r"<tr>\s*<td align=\"left\">\d+</td>.*?</tr>", page.text, re.S)
    ]
    commune_check = f"{COMMUNE_NAME}: UBND xã xác nhận, chuyển hồ sơ - cv.xa.an"
    review = f"{DEPARTMENT_NAME}: Sở thẩm định hồ sơ người có công - cv.so.chi"
    decision = f"{DEPARTMENT_NAME}: Lãnh đạo Sở phê duyệt - ld.so.dung"
    desk = f"{COMMUNE_NAME}: Chuyển kết quả về Bộ phận một cửa - tn.xa.binh"
    # Giver, receiver and timeliness of each hand-over (form 06 columns 2, 3 and 5).
    assert [(row[1], row[2], row[4]) for row in rows] == [
        (commune_check, review, "Trước hạn"),
        (review, decision, "Trước hạn"),
        (decision, desk, "Trước hạn"),
        (desk, f"Bộ phận Một cửa, {COMMUNE_NAME} (trả kết quả)", "Trước hạn"),
    ]


async def test_the_control_slip_names_giving_and_receiving_agencies(
    received: str, client: httpx.AsyncClient
) -> None:
    slip = (await client.get(f"/cases/{received}/control-slip", headers=COMMUNE_CLERK)).json()
    pairs = [(row["giver_agency_name"], row["receiver_agency_name"]) for row in slip["rows"]]
    assert pairs == [
        (COMMUNE_NAME, DEPARTMENT_NAME),
        (DEPARTMENT_NAME, DEPARTMENT_NAME),
        (DEPARTMENT_NAME, COMMUNE_NAME),
        (COMMUNE_NAME, None),
    ]


async def test_a_case_stored_before_steps_had_agencies_stays_in_its_desks_queue(
    client: httpx.AsyncClient, database: AsyncDatabase
) -> None:
    # As the workflow stored it before this change: no agencies, no derived current agency.
    event = EXAMPLES[CaseSubmitted].model_copy(update={"case_code": "TCH-180502-0001"})
    assert isinstance(event, CaseSubmitted)
    process = load_processes().for_procedure(event.procedure_code)
    doc = to_document(Instance.open(event, process, DeadlineCalendar()))
    for derived in ("current_agency", "agencies"):
        del doc[derived]
    await database[COLLECTION].insert_one({**doc, VERSION: 1})
    desk = bearer("specialist", event.agency_code, "cv.cu")
    assert "TCH-180502-0001" in await queue(client, desk)
    assert "TCH-180502-0001" not in await queue(client, COMMUNE_SPECIALIST)
