"""The workflow service on the real broker and store, driven through its topics and HTTP API
with a controlled clock."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from fastapi import FastAPI

from services.workflow.adapters.repository import Instances
from services.workflow.bootstrap import WorkflowContainer, bootstrap
from services.workflow.entrypoints.app import create_app
from services.workflow.settings import WorkflowSettings
from shared.auth import mint_token
from shared.clock import ManualClock
from shared.events.codec import decode, new_event
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted, SupplementReceived
from shared.events.values import CopyKind, DocumentItem
from shared.kafka import EventProducer
from shared.kafka.connection import client_options
from shared.kafka.reader import read_topic
from shared.outbox import OUTBOX
from shared.settings import ServiceSettings
from tests.polling import eventually
from tests.tokens import bearer

pytestmark = pytest.mark.integration

# Monday 14/7/2025 09:00 in Viet Nam; ten working days give Monday 28/7 at 17:00.
RECEIVED = datetime(2025, 7, 14, 2, 0, tzinfo=UTC)
DUE = datetime(2025, 7, 28, 10, 0, tzinfo=UTC)
AGENCY = "SNV.NA"  # of the example case-submitted
SPECIALIST = bearer("specialist", AGENCY, "cv.minh")
LEADER = bearer("leader", AGENCY, "ld.hung")
CLERK = bearer("reception_clerk", AGENCY, "tn.lan")
MISSING = DocumentItem(name="Giấy báo tử liệt sĩ", copy_kind=CopyKind.CERTIFIED_COPY, count=1)


def local(day: int, hour: int, month: int = 7) -> datetime:
    """An instant given in Viet Nam's local time (UTC+7)."""
    return datetime(2025, month, day, hour - 7, tzinfo=UTC)


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(RECEIVED)


@pytest.fixture(scope="module")
def workflow_settings(settings: ServiceSettings) -> WorkflowSettings:
    return WorkflowSettings(
        **{
            **settings.model_dump(),
            "outbox_poll_interval_s": 0.05,
            "deadline_watch_interval_s": 0.1,
            "consumer_max_attempts": 2,
        }
    )


@pytest.fixture(scope="module")
async def service(
    workflow_settings: WorkflowSettings, clock: ManualClock
) -> AsyncIterator[FastAPI]:
    app = create_app(workflow_settings, clock=clock)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="module")
async def client(service: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=service)
    # Reads as the specialist unless a request names another officer.
    async with httpx.AsyncClient(
        transport=transport, base_url="http://workflow", headers=SPECIALIST
    ) as http:
        yield http


@pytest.fixture(scope="module")
async def producer(workflow_settings: WorkflowSettings) -> AsyncIterator[EventProducer]:
    async with EventProducer(workflow_settings) as producer:
        yield producer


def submitted(code: str, **changes: object) -> Envelope:
    base = EXAMPLES[CaseSubmitted]
    data = base.model_copy(
        update={"case_code": code, "received_at": RECEIVED, "due_at": DUE, **changes}
    )
    return new_event(data, time=RECEIVED)


async def submit(
    producer: EventProducer, client: httpx.AsyncClient, code: str, **changes: object
) -> dict[str, Any]:
    await producer.publish(submitted(code, **changes))
    response = await eventually(
        lambda: client.get(f"/cases/{code}"),
        until=lambda r: r.status_code == 200,
        what=f"case {code}",
    )
    return response.json()


async def events_of(settings: ServiceSettings, topic: str, code: str) -> list[Envelope]:
    records = await read_topic(settings, topic)
    return [e for e in (decode(r.value, topic=topic) for r in records) if e.subject == code]


async def published(settings: ServiceSettings, topic: str, code: str, count: int) -> list[Envelope]:
    return await eventually(
        lambda: events_of(settings, topic, code),
        until=lambda e: len(e) >= count,
        what=f"{topic} of {code}",
    )


async def post(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], body: object = None
) -> dict[str, Any]:
    response = await client.post(path, headers=headers, json={} if body is None else body)
    assert response.status_code == 200, response.text
    return response.json()


async def resolve(client: httpx.AsyncClient, clock: ManualClock, code: str, day: int) -> None:
    """Specialist reviews twice, the leader approves, the desk receives the result on ``day``."""
    clock.set(local(day, 9))
    await post(client, f"/cases/{code}/steps/complete", SPECIALIST, {"note": "Đủ điều kiện"})
    await post(client, f"/cases/{code}/steps/complete", SPECIALIST)
    clock.set(local(day, 14))
    decision = {"outcome": "approved", "decision_number": "1234/QĐ-SNV"}
    await post(client, f"/cases/{code}/decision", LEADER, decision)
    clock.set(local(day, 16))
    await post(client, f"/cases/{code}/handover", CLERK)


async def test_steps_then_approval_resolve_the_case_with_timeliness_and_a_payment(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    workflow_settings: WorkflowSettings,
) -> None:
    code = "SNV.NA-250714-0101"
    case = await submit(producer, client, code)
    assert (case["status"], case["due_at"]) == (2, "2025-07-28T10:00:00Z")
    await resolve(client, clock, code, 18)

    [resolved] = await published(workflow_settings, "case-resolved", code, 1)
    assert resolved.data.timeliness == "early"
    assert resolved.data.working_days_used == 4  # 15 to 18 July
    assert resolved.data.resolved_at == local(18, 16)
    [payment] = await published(workflow_settings, "payment-approved", code, 1)
    assert (payment.data.amount_vnd, payment.data.programme_code) == (
        1_400_000,
        "TC_THO_CUNG_LS",
    )
    assert payment.data.beneficiary.citizen_id == "040185001234"
    steps = await published(workflow_settings, "step-completed", code, 4)
    assert [s.data.step.step_id for s in steps] == [
        "xac-nhan-xa",
        "tham-dinh",
        "phe-duyet",
        "tra-ket-qua",
    ]
    slip = (await client.get(f"/cases/{code}/control-slip")).json()
    # The first step had two working days (20% of ten), so it was due on Wednesday 16th.
    assert [row["timeliness_name"] for row in slip["rows"]] == ["Quá hạn"] + ["Trước hạn"] * 3
    printable = await client.get(f"/cases/{code}/control-slip.html")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in printable.text
    assert "Lãnh đạo Sở phê duyệt" in printable.text


async def test_a_late_resolution_is_published_as_late(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    workflow_settings: WorkflowSettings,
) -> None:
    code = "SNV.NA-250714-0102"
    await submit(producer, client, code, is_benefit=False, payment_programme=None)
    await resolve(client, clock, code, 29)
    [resolved] = await published(workflow_settings, "case-resolved", code, 1)
    assert resolved.data.timeliness == "late"
    assert resolved.data.working_days_used == 11
    assert await events_of(workflow_settings, "payment-approved", code) == []


async def test_a_supplement_wait_moves_the_due_date_by_the_paused_working_days(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    workflow_settings: WorkflowSettings,
) -> None:
    code = "SNV.NA-250714-0103"
    await submit(producer, client, code)
    clock.set(local(15, 10))  # Tuesday
    await post(client, f"/cases/{code}/claim", SPECIALIST)
    request = {
        "reasons": ["Bản sao giấy báo tử chưa được chứng thực"],
        "missing_documents": [MISSING.model_dump(mode="json")],
    }
    waiting = await post(client, f"/cases/{code}/supplement-requests", SPECIALIST, request)
    assert waiting["status"] == 5
    [asked] = await published(workflow_settings, "supplement-requested", code, 1)
    assert asked.data.remaining_working_days == 9

    arrived = SupplementReceived(
        case_code=code, documents=[MISSING], received_at=local(21, 8), received_by="tn.lan"
    )
    event = new_event(arrived, time=local(21, 8))
    await producer.publish(event)  # Monday: 4 days paused
    case = await eventually(
        lambda: client.get(f"/cases/{code}"),
        until=lambda r: r.json()["status"] == 4,
        what="the clock",
    )
    assert case.json()["due_at"] == "2025-08-01T10:00:00Z"
    assert case.json()["paused_working_days"] == 4
    [resumed] = await published(workflow_settings, "processing-resumed", code, 1)
    assert (resumed.data.wait, resumed.data.paused_working_days) == ("supplement", 4)
    assert (resumed.data.previous_due_at, resumed.data.due_at) == (DUE, local(1, 17, month=8))
    assert (resumed.data.resumed_at, resumed.data.resumed_by) == (local(21, 8), "tn.lan")

    await producer.publish(event)  # redelivered: the due date must not move twice
    await eventually(
        lambda: lag(workflow_settings, "supplement-received"),
        until=lambda n: n == 0,
        what="redelivery",
    )
    again = (await client.get(f"/cases/{code}")).json()
    assert (again["due_at"], again["paused_working_days"]) == ("2025-08-01T10:00:00Z", 4)
    assert len(await events_of(workflow_settings, "processing-resumed", code)) == 1


async def test_a_redelivered_case_submitted_creates_no_second_instance(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    workflow_settings: WorkflowSettings,
) -> None:
    code = "SNV.NA-250714-0104"
    event = submitted(code)
    await submit(producer, client, code)
    clock.set(local(15, 10))
    await post(client, f"/cases/{code}/claim", SPECIALIST)
    await producer.publish(event)
    await producer.publish(submitted(code))  # the same case again, under a new event id
    await eventually(
        lambda: lag(workflow_settings, "case-submitted"),
        until=lambda n: n == 0,
        what="the redeliveries",
    )
    case = (await client.get(f"/cases/{code}")).json()
    assert (case["status"], case["assignee"]) == (4, "cv.minh")
    assert [h["action"] for h in case["history"]] == ["received", "claim"]
    queue = (await client.get("/cases", params={"assignee": "cv.minh"})).json()
    assert [item["case_code"] for item in queue].count(code) == 1


async def lag(settings: WorkflowSettings, topic: str) -> int:
    """Messages of ``topic`` the workflow's consumer group has not committed yet."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(
            settings.topic_prefix + settings.service_name
        )
    finally:
        await admin.close()
    ends = {
        TopicPartition(r.topic, r.partition): r.offset + 1
        for r in await read_topic(settings, topic)
    }
    return sum(
        max(0, end - (committed[tp].offset if tp in committed else 0)) for tp, end in ends.items()
    )


async def test_the_deadline_watch_warns_once_per_threshold_across_replicas_and_restarts(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    workflow_settings: WorkflowSettings,
) -> None:
    code = "SNV.NA-250714-0105"
    clock.set(RECEIVED)
    await submit(producer, client, code)
    clock.set(local(25, 18))  # Friday evening: one working day before Monday's due time
    await published(workflow_settings, "deadline-warning", code, 1)

    # Two more replicas, started after the first warning (a restart), race the running one.
    idle = workflow_settings.model_copy(update={"workers_enabled": False})
    async with bootstrap(idle, clock=clock) as restarted, bootstrap(idle, clock=clock) as other:
        await asyncio.gather(restarted.workflow.watch_deadlines(), other.workflow.watch_deadlines())
        clock.set(local(28, 18))  # Monday after office hours: overdue
        await asyncio.gather(restarted.workflow.watch_deadlines(), other.workflow.watch_deadlines())
        stored = await restarted.workflow.views.get(code)
        await outbox_drained(restarted)
    assert stored is not None and stored.instance.warnings == ["due_soon", "overdue"]
    relayed = await events_of(workflow_settings, "deadline-warning", code)
    # At least once: a relay may publish an event twice; consumers drop the copy by its id.
    warnings = sorted({str(w.id): w for w in relayed}.values(), key=lambda w: w.data.threshold)
    assert [(w.data.threshold, w.data.due_at) for w in warnings] == [
        ("due_soon", DUE),
        ("overdue", DUE),
    ]
    queue = (await client.get("/cases")).json()
    assert queue[0]["overdue"] is True


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "field"),
    [
        ("/cases/SNV.NA-250714-9999/claim", SPECIALIST, {}, 404, "path.code"),
        ("/cases/{code}/handover", CLERK, {}, 409, "status"),
        ("/cases/{code}/claim", CLERK, {}, 403, None),
        ("/cases/{code}/claim", {"Authorization": "Bearer forged.token.x"}, {}, 401, None),
        ("/cases/{code}/decision", SPECIALIST, {}, 403, "token.roles"),
        ("/cases/{code}/decision", LEADER, {"outcome": "approved"}, 422, None),
        ("/cases/{code}/fee-requests", SPECIALIST, {"amount_vnd": 1.5, "reason": "x"}, 422, None),
        ("/cases/{code}/fee-requests", SPECIALIST, {"amount_vnd": -5, "reason": "x"}, 422, None),
        (
            "/cases/{code}/apology",
            LEADER,
            {"reason": "Chậm", "new_due_at": "2025-07-20T10:00:00Z"},
            422,
            "new_due_at",
        ),
    ],
)
async def test_bad_requests_get_a_clear_4xx_and_change_nothing(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    path: str,
    headers: dict[str, str],
    body: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    code = "SNV.NA-250714-0106"
    clock.set(local(15, 10))
    before = await submit(producer, client, code)
    response = await client.post(path.format(code=code), headers=headers, json=body)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert detail and all(d["reason"] for d in detail)
    if field is not None:
        assert detail[0]["field"] == field
    assert (await client.get(f"/cases/{code}")).json() == before


async def test_a_second_apology_is_refused(
    client: httpx.AsyncClient, producer: EventProducer, clock: ManualClock
) -> None:
    code = "SNV.NA-250714-0107"
    await submit(producer, client, code)
    clock.set(local(24, 10))
    apology = {"reason": "Cần xác minh thêm", "new_due_at": "2025-08-04T10:00:00Z"}
    case = await post(client, f"/cases/{code}/apology", LEADER, apology)
    assert case["appointment_at"] == "2025-08-04T10:00:00Z"
    again = {**apology, "new_due_at": "2025-08-06T10:00:00Z"}
    response = await client.post(f"/cases/{code}/apology", headers=LEADER, json=again)
    assert response.status_code == 409
    assert "xin lỗi" in response.json()["detail"][0]["reason"]


async def test_a_fee_wait_then_a_stop_follow_the_portal_statuses(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    workflow_settings: WorkflowSettings,
) -> None:
    code = "SNV.NA-250714-0108"
    await submit(producer, client, code)
    clock.set(local(15, 10))
    await post(client, f"/cases/{code}/claim", SPECIALIST)
    fee = {"amount_vnd": 50_000, "reason": "Phí sao y giấy tờ"}
    assert (await post(client, f"/cases/{code}/fee-requests", SPECIALIST, fee))["status"] == 6
    [requested] = await published(workflow_settings, "fee-requested", code, 1)
    assert requested.data.amount_vnd == 50_000

    clock.set(local(17, 10))  # Thursday: the 16th and 17th were spent waiting
    paid = await post(client, f"/cases/{code}/fee-payments", CLERK, {"receipt_number": "BL-0123"})
    assert (paid["status"], paid["due_at"], paid["paused_working_days"]) == (
        4,
        "2025-07-30T10:00:00Z",
        2,
    )
    [resumed] = await published(workflow_settings, "processing-resumed", code, 1)
    assert (resumed.data.wait, resumed.data.paused_working_days) == ("fee", 2)
    assert (resumed.data.previous_due_at, resumed.data.due_at) == (DUE, local(30, 17))
    assert resumed.data.resumed_by == "tn.lan"
    mine = (await client.get("/cases", params={"assignee": "cv.minh", "status": 4})).json()
    assert code in [item["case_code"] for item in mine]

    reason = {"reason": "Người nộp hồ sơ đề nghị dừng giải quyết"}
    assert (await post(client, f"/cases/{code}/stop", LEADER, reason))["status"] == 8
    [stopped] = await published(workflow_settings, "processing-stopped", code, 1)
    assert stopped.data.stopped_by == "ld.hung"
    open_cases = (await client.get("/cases")).json()
    assert code not in [item["case_code"] for item in open_cases]


async def test_two_officers_claiming_at_once_get_one_step_between_them(
    client: httpx.AsyncClient, producer: EventProducer, clock: ManualClock
) -> None:
    code = "SNV.NA-250714-0109"
    await submit(producer, client, code)
    clock.set(local(15, 10))
    other = bearer("specialist", AGENCY, "cv.thu")
    answers = await asyncio.gather(
        *(client.post(f"/cases/{code}/claim", headers=who) for who in (SPECIALIST, other))
    )
    assert sorted(r.status_code for r in answers) == [200, 403]
    winner = next(r for r in answers if r.status_code == 200).json()["assignee"]
    case = (await client.get(f"/cases/{code}")).json()
    assert case["assignee"] == winner
    assert [h["action"] for h in case["history"]] == ["received", "claim"]


async def test_a_case_first_seen_overdue_leaves_the_watch_batch_once_warned(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    workflow_settings: WorkflowSettings,
) -> None:
    code = "SNV.NA-250714-0110"
    clock.set(RECEIVED)
    await submit(producer, client, code)
    clock.set(local(29, 18))  # the watch first sees it a day late: no due-soon warning is raised
    warnings = await published(workflow_settings, "deadline-warning", code, 1)
    assert {warning.data.threshold for warning in warnings} == {"overdue"}
    idle = workflow_settings.model_copy(update={"workers_enabled": False})
    async with bootstrap(idle, clock=clock) as replica:
        pending = await replica.workflow.uow.run(lambda tx: Instances(tx).needing_warning(10_000))
    assert code not in [stored.instance.case_code for stored in pending]


async def outbox_drained(container: WorkflowContainer) -> None:
    """Wait until the relay published everything queued (then the topics hold it all)."""
    outbox = container.connections.db[OUTBOX]
    await eventually(lambda: outbox.count_documents({}), until=lambda n: n == 0, what="the outbox")


async def test_twenty_identical_actions_at_once_store_one_change_and_one_event(
    service: FastAPI,
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    workflow_settings: WorkflowSettings,
) -> None:
    code = "SNV.NA-250714-0111"
    await submit(producer, client, code)
    clock.set(local(15, 10))
    await post(client, f"/cases/{code}/claim", SPECIALIST)
    fee = {"amount_vnd": 30_000, "reason": "Phí sao y giấy tờ"}
    answers = await asyncio.gather(
        *(
            client.post(f"/cases/{code}/fee-requests", headers=SPECIALIST, json=fee)
            for _ in range(20)
        )
    )
    assert sorted(r.status_code for r in answers) == [200] + [409] * 19
    for refused in (r for r in answers if r.status_code == 409):
        [detail] = refused.json()["detail"]
        # Refused on the state the winner left, or (rarely) told to try again.
        assert detail["field"] in {"status", "path.code"} and detail["reason"]
    case = (await client.get(f"/cases/{code}")).json()
    assert [h["action"] for h in case["history"]] == ["received", "claim", "request_fee"]
    await outbox_drained(service.state.container)
    requested = await events_of(workflow_settings, "fee-requested", code)
    assert len({str(e.id) for e in requested}) == 1


async def test_two_more_replicas_open_each_case_once_and_warn_once(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    workflow_settings: WorkflowSettings,
) -> None:
    """Three replicas share the consumer group, the relay and the deadline watch: 200 cases, some
    submitted twice, are opened once each and, all overdue, warned about once each."""
    clock.set(local(29, 18))  # every case below is overdue as soon as it is open
    codes = [f"SNV.NA-250715-{n:04d}" for n in range(1, 201)]
    async with (
        bootstrap(workflow_settings, clock=clock) as one,
        bootstrap(workflow_settings, clock=clock) as two,
    ):
        await asyncio.gather(*(producer.publish(submitted(code)) for code in codes))
        await asyncio.gather(*(producer.publish(submitted(code)) for code in codes[::4]))
        instances = one.connections.db["instances"]
        mine = {"_id": {"$in": codes}, "warnings": "overdue"}
        await eventually(
            lambda: instances.count_documents(mine), until=lambda n: n == 200, what="the warnings"
        )
        await asyncio.gather(one.workflow.watch_deadlines(), two.workflow.watch_deadlines())
        await outbox_drained(one)
        docs = await instances.find({"_id": {"$in": codes}}).to_list()
    assert len(docs) == 200
    assert all([h["action"] for h in doc["history"]] == ["received"] for doc in docs)
    warnings = [
        e
        for e in await read_events(workflow_settings, "deadline-warning")
        if e.subject in set(codes)
    ]
    by_case = {code: {str(e.id) for e in warnings if e.subject == code} for code in codes}
    assert all(len(ids) == 1 for ids in by_case.values())


async def read_events(settings: ServiceSettings, topic: str) -> list[Envelope]:
    return [decode(r.value, topic=topic) for r in await read_topic(settings, topic)]


async def reviewed(producer: EventProducer, client: httpx.AsyncClient, code: str) -> None:
    """A benefit case at its leader's step: the specialist reviewed it twice."""
    await submit(producer, client, code)
    await post(client, f"/cases/{code}/steps/complete", SPECIALIST, {"note": "Đủ điều kiện"})
    await post(client, f"/cases/{code}/steps/complete", SPECIALIST)


@pytest.mark.parametrize(
    ("number", "payment", "field", "reason"),
    [
        (121, {"amount_vnd": 9_000_000_000_000_000_000}, "body.payment.amount_vnd", None),
        (122, {"amount_vnd": 2**63}, "body.payment.amount_vnd", None),
        (123, {"amount_vnd": 5_000_000}, "payment.amount_vnd", "khác mức quy định"),
        (124, {"programme_code": "KHONG_CO"}, "payment.programme_code", "không có trong danh mục"),
    ],
)
async def test_a_payment_other_than_the_programmes_rate_is_refused_with_the_rule(
    client: httpx.AsyncClient,
    producer: EventProducer,
    clock: ManualClock,
    number: int,
    payment: dict[str, Any],
    field: str,
    reason: str | None,
) -> None:
    code = f"SNV.NA-250714-{number:04d}"
    clock.set(local(16, 9))
    await reviewed(producer, client, code)
    decision = {"outcome": "approved", "decision_number": "9/QĐ-SNV", "payment": payment}
    response = await client.post(f"/cases/{code}/decision", headers=LEADER, json=decision)
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["field"] == field and (reason is None or reason in error["reason"])
    assert (await client.get(f"/cases/{code}")).json()["decision"] is None


async def test_who_reviewed_a_case_cannot_approve_it(
    client: httpx.AsyncClient, producer: EventProducer, clock: ManualClock
) -> None:
    code = "SNV.NA-250714-0131"
    clock.set(local(16, 9))
    await reviewed(producer, client, code)
    # The reviewer also holds the leader's role: still not the one to approve.
    self_approval = mint_token("cv.minh", ["specialist", "leader"], AGENCY)
    decision = {"outcome": "approved", "decision_number": "10/QĐ-SNV", "payment": {}}
    headers = {"Authorization": f"Bearer {self_approval}"}
    response = await client.post(f"/cases/{code}/decision", headers=headers, json=decision)
    assert response.status_code == 403
    assert "phân tách nhiệm vụ" in response.json()["detail"][0]["reason"]


async def test_an_officer_of_another_agency_neither_reads_nor_acts(
    client: httpx.AsyncClient, producer: EventProducer
) -> None:
    code = "SNV.NA-250714-0132"
    await submit(producer, client, code)
    stranger = bearer("specialist", "UBND.KHAC", "cv.khac")
    assert (await client.get(f"/cases/{code}", headers=stranger)).status_code == 403
    assert (await client.post(f"/cases/{code}/claim", headers=stranger)).status_code == 403
    assert code not in [
        i["case_code"] for i in (await client.get("/cases", headers=stranger)).json()
    ]
    apology = {"reason": "Chậm", "new_due_at": "9999-07-20T10:00:00Z"}
    response = await client.post(f"/cases/{code}/apology", headers=LEADER, json=apology)
    assert (response.status_code, response.json()["detail"][0]["field"]) == (422, "body.new_due_at")


async def test_every_action_is_in_the_audit_trail_and_an_edit_is_detected(
    client: httpx.AsyncClient, producer: EventProducer, clock: ManualClock, database: Any
) -> None:
    code = "SNV.NA-250714-0133"
    clock.set(local(16, 9))
    await reviewed(producer, client, code)
    manager = bearer("manager", AGENCY, "ql.son")
    assert (await client.get("/audit", headers=SPECIALIST)).status_code == 403
    trail = (await client.get("/audit", params={"case_code": code}, headers=manager)).json()
    actions = [(e["action"], e["officer_id"], e["role"]) for e in trail["entries"]]
    assert actions == [("complete_step", "cv.minh", "specialist")] * 2
    assert trail["entries"][0]["after"]["current"] == 2
    checked = await client.get("/audit", params={"verify": "true"}, headers=manager)
    assert checked.json()["chain"]["intact"] is True
    first = trail["entries"][-1]
    await database["audit_entries"].update_one(
        {"sequence": first["sequence"]}, {"$set": {"officer_id": "ai.do"}}
    )
    broken = (await client.get("/audit", params={"verify": "true"}, headers=manager)).json()
    assert broken["chain"]["intact"] is False
    assert broken["chain"]["first_bad_sequence"] == first["sequence"]
