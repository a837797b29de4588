"""Statuses 1-10 walked on the real broker and store, intake, workflow and reporting running
together, reporting syncing to the national portal's stand-in (the local sinks).

One case goes 1 -> 2 -> 6 -> 4 -> 5 -> 4 -> 9 -> 10; statuses 3, 7 and 8 end a case, so each has
its own. For each status: the event that caused it (its envelope dated at the fact), the citizen's
lookup and a timeline that only moves forward in time, and from 2 on the portal's record of the
case at that status (status 1 is the portal's own: online dossiers come from it).
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.sinks.running import RunningSinks, running_sinks
from services.reporting.entrypoints.app import create_app as create_reporting
from services.reporting.settings import ReportingSettings
from services.workflow.entrypoints.app import create_app as create_workflow
from services.workflow.settings import WorkflowSettings
from shared.clock import ManualClock
from shared.events.codec import decode
from shared.events.envelope import Envelope
from shared.events.times import fact_time
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.integration.intake_support import CLERK, intake_client, intake_settings
from tests.polling import eventually
from tests.tokens import bearer
from tests.unit.intake_fakes import CITIZEN_ID, COMMUNE, MISSING, dossier, july

pytestmark = pytest.mark.integration

PORTAL = bearer("portal", COMMUNE, "cong.dvc")
SPECIALIST = bearer("specialist", COMMUNE, "cv.minh")
LEADER = bearer("leader", COMMUNE, "ld.hung")


@dataclass
class Services:
    intake: httpx.AsyncClient
    workflow: httpx.AsyncClient
    clock: ManualClock
    settings: ServiceSettings
    sinks: RunningSinks


def reporting_settings(settings: ServiceSettings, sinks: RunningSinks) -> ReportingSettings:
    return ReportingSettings(
        **{
            **settings.model_dump(),
            "mongodb_database": f"{settings.mongodb_database}_r",
            "service_name": "reporting",
            "portal_sync_url": f"{sinks.url}/portal/sync",
            "portal_sync_poll_interval_s": 0.1,
        }
    )


@pytest.fixture(scope="module")
async def services(
    settings: ServiceSettings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Services]:
    clock = ManualClock(july(14, 9))
    # Each service has a database of its own, as deployed.
    base = settings.model_dump()
    workflow_settings = WorkflowSettings(
        **{
            **base,
            "mongodb_database": f"{settings.mongodb_database}_w",
            "outbox_poll_interval_s": 0.05,
            # Consumer groups are named after the service: one group each, as deployed.
            "service_name": "workflow",
        }
    )
    workflow = create_workflow(workflow_settings, clock=clock)
    sinks_dir: Path = tmp_path_factory.mktemp("walk-sinks")
    async with running_sinks(sinks_dir) as sinks:
        reporting = create_reporting(reporting_settings(settings, sinks))
        async with (
            intake_client(intake_settings(settings, service_name="intake"), clock) as intake,
            workflow.router.lifespan_context(workflow),
            reporting.router.lifespan_context(reporting),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=workflow), base_url="http://workflow"
            ) as flow,
        ):
            yield Services(intake, flow, clock, settings, sinks)


async def lookup(s: Services, code: str) -> dict[str, Any]:
    response = await s.intake.post("/lookup", json={"code": code, "citizen_id": CITIZEN_ID})
    return await ok(response)


async def at_status(s: Services, code: str, status: int) -> dict[str, Any]:
    """The citizen's view once it reads ``status``; its timeline never goes back in time."""
    view = await eventually(
        lambda: lookup(s, code),
        until=lambda v: v["status"]["code"] == status,
        what=f"status {status} of {code}",
    )
    times = [datetime.fromisoformat(e["at"]) for e in view["timeline"]]
    assert times == sorted(times)
    assert view["timeline"][-1]["status"]["code"] == status
    if status != 1:
        record = await on_the_portal(s, code, status)
        assert record["progress"][-1]["at"] == view["timeline"][-1]["at"].replace("+00:00", "Z")
    return view


async def on_the_portal(s: Services, code: str, status: int) -> dict[str, Any]:
    """The last record of ``code`` the portal received, once it reads ``status``; its progress
    is in time order."""

    async def last() -> dict[str, Any] | None:
        listed = (await s.sinks.http.get("/portal/sync")).raise_for_status().json()
        bodies = [i["body"] for i in listed if i["body"]["case_code"] == code]
        return bodies[-1] if bodies else None

    record = await eventually(
        last,
        until=lambda body: body is not None and body["status"] == status,
        what=f"status {status} of {code} on the portal",
    )
    assert record is not None
    times = [datetime.fromisoformat(step["at"]) for step in record["progress"]]
    assert times == sorted(times)
    return record


async def events(s: Services, topic: str, code: str) -> list[Envelope[Any]]:
    records = await read_topic(s.settings, topic)
    return [e for e in (decode(r.value, topic=topic) for r in records) if e.subject == code]


async def the_event(s: Services, topic: str, code: str, at: datetime) -> Envelope[Any]:
    """The one event of ``topic`` for ``code``, dated when its fact happened."""
    [event] = await eventually(
        lambda: events(s, topic, code), until=lambda found: len(found) >= 1, what=topic
    )
    assert event.time == fact_time(event.data) == at
    return event


async def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


async def post(
    s: Services, client: httpx.AsyncClient, path: str, who: dict[str, str], body: object = None
) -> dict[str, Any]:
    return await ok(await client.post(path, headers=who, json={} if body is None else body))


async def online(s: Services) -> str:
    s.clock.set(july(14, 9))
    body = dossier(channel="online")
    return str((await post(s, s.intake, "/cases", PORTAL, body))["code"])


async def in_workflow(s: Services, code: str, status: int | None = None) -> None:
    await eventually(
        lambda: s.workflow.get(f"/cases/{code}", headers=SPECIALIST),
        until=lambda r: r.status_code == 200 and status in (None, r.json()["status"]),
        what=f"{code} in the workflow" + ("" if status is None else f" at status {status}"),
    )


async def test_one_case_from_1_to_10(services: Services) -> None:
    s = services
    code = await online(s)
    view = await at_status(s, code, 1)
    assert view["timeline"][0]["status"]["label"] == "Mới đăng ký"

    s.clock.set(july(14, 14))
    await post(s, s.intake, f"/cases/{code}/acceptance", CLERK)
    submitted = await the_event(s, "case-submitted", code, july(14, 14))
    assert submitted.data.received_by == "tn.lan"
    await at_status(s, code, 2)
    await in_workflow(s, code)
    await post(s, s.workflow, f"/cases/{code}/claim", SPECIALIST)

    s.clock.set(july(15, 9))
    fee = {"amount_vnd": 50_000, "reason": "Lệ phí cấp bản sao"}
    await post(s, s.workflow, f"/cases/{code}/fee-requests", SPECIALIST, fee)
    await the_event(s, "fee-requested", code, july(15, 9))
    await at_status(s, code, 6)

    s.clock.set(july(15, 15))
    await post(s, s.workflow, f"/cases/{code}/fee-payments", CLERK, {"receipt_number": "BL-01"})
    await the_event(s, "processing-resumed", code, july(15, 15))
    await at_status(s, code, 4)

    s.clock.set(july(16, 9))
    supplement = {"reasons": ["Thiếu giấy tờ"], "missing_documents": [MISSING.model_dump()]}
    await post(s, s.workflow, f"/cases/{code}/supplement-requests", SPECIALIST, supplement)
    await the_event(s, "supplement-requested", code, july(16, 9))
    await at_status(s, code, 5)

    s.clock.set(july(17, 9))
    brought = {"documents": [MISSING.model_dump(mode="json")]}
    await post(s, s.intake, f"/cases/{code}/supplements", CLERK, brought)
    await the_event(s, "supplement-received", code, july(17, 9))
    await at_status(s, code, 4)
    # The desk's view moves at once; the workflow resumes once it has consumed the event.
    await in_workflow(s, code, status=4)

    s.clock.set(july(17, 14))
    await post(s, s.workflow, f"/cases/{code}/steps/complete", SPECIALIST, {"note": "Đủ"})
    s.clock.set(july(18, 9))
    decision = {"outcome": "approved", "decision_number": "12/QĐ-UBND"}
    await post(s, s.workflow, f"/cases/{code}/decision", LEADER, decision)
    s.clock.set(july(18, 15))
    await post(s, s.workflow, f"/cases/{code}/handover", CLERK)
    await the_event(s, "case-resolved", code, july(18, 15))
    await eventually(lambda: events(s, "step-completed", code), until=lambda found: len(found) == 3)
    await at_status(s, code, 9)

    s.clock.set(july(21, 9))
    await post(s, s.intake, f"/cases/{code}/result-returned", CLERK)
    await the_event(s, "result-returned", code, july(21, 9))
    view = await at_status(s, code, 10)
    # Each status once, in the order it happened: no step shown as a step back.
    shown = [key for key, _ in groupby(e["status"]["code"] for e in view["timeline"])]
    assert shown == [1, 2, 6, 4, 5, 4, 9, 10]
    record = await on_the_portal(s, code, 10)
    progress = [key for key, _ in groupby(step["status"] for step in record["progress"])]
    assert progress == [2, 6, 4, 5, 4, 9, 10]
    assert record["fees"][0]["amount_vnd"] == 50_000 and record["result"]["decision_number"]


async def test_a_refused_online_dossier_ends_at_3_with_its_reasons(services: Services) -> None:
    s = services
    code = await online(s)
    s.clock.set(july(14, 10))
    reasons = {"reasons": ["Hồ sơ không thuộc thẩm quyền của xã"]}
    await post(s, s.intake, f"/cases/{code}/refusal", CLERK, reasons)
    refused = await the_event(s, "case-refused", code, july(14, 10))
    assert refused.data.reasons == reasons["reasons"]
    view = await at_status(s, code, 3)
    assert "Hồ sơ không thuộc thẩm quyền của xã" in view["timeline"][-1]["note"]
    assert await events(s, "case-submitted", code) == []
    again = await s.intake.post(f"/cases/{code}/acceptance", headers=CLERK)
    assert again.status_code == 409


async def received(s: Services) -> str:
    s.clock.set(july(14, 9))
    code = (await post(s, s.intake, "/cases", CLERK, dossier()))["code"]
    await in_workflow(s, code)
    return str(code)


async def test_a_withdrawal_ends_at_7_and_a_stop_at_8(services: Services) -> None:
    s = services
    withdrawn, stopped = await received(s), await received(s)
    s.clock.set(july(15, 10))
    request = {"requested_on": "2025-07-15", "reason": "Chuyển nơi cư trú"}
    await post(s, s.workflow, f"/cases/{withdrawn}/withdrawal", CLERK, request)
    await the_event(s, "case-withdrawn", withdrawn, july(15, 10))
    assert (await at_status(s, withdrawn, 7))["status"]["label"] == "Đã rút hồ sơ"
    await post(s, s.workflow, f"/cases/{stopped}/stop", LEADER, {"reason": "Hồ sơ giả mạo"})
    await the_event(s, "processing-stopped", stopped, july(15, 10))
    await at_status(s, stopped, 8)
    assert await events(s, "processing-stopped", withdrawn) == []
