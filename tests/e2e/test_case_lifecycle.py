"""The whole system through its public HTTP APIs and topics, the four services running as processes.

A citizen's benefit dossier goes from the desk through the officers' steps to the decision, the
payment, the messages the citizen gets, the returned result and rating, and the reports.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from devstack.sinks.running import RunningSinks
from shared.calendar import local_date
from shared.events.codec import decode
from shared.events.envelope import Envelope
from shared.kafka.connection import client_options
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.e2e.citizen_page import open_the_link, sms_about
from tests.e2e.running_services import running_services
from tests.polling import eventually
from tests.tokens import bearer

Json = dict[str, Any]
PROCEDURE = "1.014027"  # Thực hiện, điều chỉnh, thôi hưởng trợ cấp hưu trí xã hội
PROGRAMME = "TC_HUU_TRI_XH"
MONTHLY_PENSION_VND = 500_000  # NĐ 176/2025/NĐ-CP, from 1/7/2025, one person
DECISION = "215/QĐ-UBND"
APPLICANT = {
    "full_name": "Nguyễn Thị Hương Giang",
    "citizen_id": "040152406813",
    "date_of_birth": "1952-08-17",
    "phone": "0912 406 813",
    "email": "giang.nguyenthihuong@example.vn",
    "address": "Xóm Đồng Bản, xã Đại Đồng, tỉnh Nghệ An",
}
RATING = {
    "total_time": 2,
    "unit_time": 2,
    "contacts": 2,
    "agencies_contacted": 1,
    "one_stop": 2,
    "publicly_posted": 2,
    "staff_attitude": 2,
    "feedback_handling": 1,
    "online_quality": 1,
}


@dataclass
class System:
    """The running services, as a citizen, the officers and an external subscriber see them."""

    urls: dict[str, str]
    settings: ServiceSettings
    sinks: RunningSinks
    http: httpx.AsyncClient
    desk: str = ""  # the commune receiving the pension procedure, where every officer works

    def officer(self, role: str) -> dict[str, str]:
        return bearer(role, self.desk, f"e2e.{role}")

    async def receiving_desk(self) -> str:
        procedure = await self.get("intake", f"/procedures/{PROCEDURE}")
        agencies = await self.get("intake", "/agencies")
        return str(next(a for a in agencies if a["level"] in procedure["receiving_levels"])["code"])

    def url(self, service: str, path: str) -> str:
        return f"{self.urls[service]}{path}"

    async def get(self, service: str, path: str, **kwargs: Any) -> Json:
        response = await self.http.get(self.url(service, path), **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    async def post(
        self, service: str, path: str, who: dict[str, str] | None = None, body: Json | None = None
    ) -> Json:
        response = await self.http.post(self.url(service, path), headers=who, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    async def dossier(self, **applicant: Any) -> Json:
        """A submission of the pension procedure, with every required document, at a commune."""
        procedure = await self.get("intake", f"/procedures/{PROCEDURE}")
        return {
            "procedure_code": PROCEDURE,
            "agency_code": self.desk,
            "channel": "direct",
            "applicant": APPLICANT | applicant,
            "documents": [
                {"key": d["key"], "kind": d["kind"], "count": d["count"]}
                for d in procedure["documents"]
                if d["required"]
            ],
        }

    async def published(self, topic: str, code: str) -> list[Envelope]:
        records = await read_topic(self.settings, topic)
        return [decode(r.value, topic=topic) for r in records if r.key == code.encode()]

    async def report(self, name: str, period: dict[str, str]) -> Json:
        return await self.get("reporting", f"/reports/{name}", params=period)


@pytest.fixture(scope="module")
async def system(
    settings: ServiceSettings, sinks: RunningSinks, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[System]:
    logs = tmp_path_factory.mktemp("logs")
    async with (
        running_services(settings, sinks, logs) as urls,
        httpx.AsyncClient(timeout=10) as http,
    ):
        system = System(urls, settings, sinks, http)
        system.desk = await system.receiving_desk()
        # The desk's clerk by default; other officers name themselves per request.
        http.headers.update(system.officer("reception_clerk"))
        yield system


def local_day(instant: str) -> str:
    return local_date(datetime.fromisoformat(instant)).isoformat()


async def submit(system: System) -> str:
    """Submitted twice with the same Idempotency-Key: one case."""
    body = await system.dossier()
    key = {"Idempotency-Key": "e2e-pension-1"}
    first = await system.http.post(system.url("intake", "/cases"), json=body, headers=key)
    assert first.status_code == 201, first.text
    again = await system.http.post(system.url("intake", "/cases"), json=body, headers=key)
    assert (again.status_code, again.json()["code"]) == (200, first.json()["code"])
    return first.json()["code"]


async def approve_and_hand_over(system: System, code: str) -> Json:
    """Specialists review, the leader approves with a payment, the desk receives the result."""
    path = f"/cases/{code}"
    specialist, leader, clerk = (
        system.officer(role) for role in ("specialist", "leader", "reception_clerk")
    )
    while (await system.get("workflow", path))["step"]["role"] == "specialist":
        await system.post("workflow", f"{path}/claim", specialist)
        await system.post(
            "workflow", f"{path}/steps/complete", specialist, {"note": "Đủ điều kiện"}
        )
    await system.post("workflow", f"{path}/claim", leader)
    decision = {"outcome": "approved", "decision_number": DECISION, "payment": {}}
    await system.post("workflow", f"{path}/decision", leader, decision)
    await system.post("workflow", f"{path}/claim", clerk)
    return await system.post("workflow", f"{path}/handover", clerk)


async def check_events(system: System, code: str) -> None:
    [resolved] = await eventually(
        lambda: system.published("case-resolved", code), what="case-resolved"
    )
    assert (resolved.data.outcome, resolved.data.decision_number) == ("approved", DECISION)
    [payment] = await eventually(
        lambda: system.published("payment-approved", code), what="payment-approved"
    )
    assert payment.data.programme_code == PROGRAMME
    assert payment.data.amount_vnd == MONTHLY_PENSION_VND
    assert payment.data.beneficiary.full_name == APPLICANT["full_name"]


async def check_messages(system: System, code: str) -> None:
    """SMS and e-mail of the receipt, the resolution and the payment, diacritics intact."""

    async def sms() -> list[str]:
        return [b["text"] for b in await system.sinks.sms() if b["to"] == "+84912406813"]

    async def mail() -> list[EmailMessage]:
        return [m for m in await system.sinks.mail() if m["To"] == APPLICANT["email"]]

    texts = await eventually(sms, until=lambda found: len(found) >= 3, what="three SMS")
    # Short enough for two Unicode segments: the code rides in the citizen page's link.
    link = f"?ma={code}"
    assert any("hồ sơ được duyệt, nhận tại Bộ phận Một cửa" in t and link in t for t in texts)
    assert any("hồ sơ được duyệt chi 500.000 đồng" in t and link in t for t in texts)
    mails = await eventually(mail, until=lambda found: len(found) >= 3, what="three e-mails")
    by_subject = {m["Subject"]: m for m in mails}
    result = by_subject[f"Hồ sơ {code} đã có kết quả: được chấp thuận"]
    assert f"Kính gửi ông/bà {APPLICANT['full_name']}" in result.get_body(("plain",)).get_content()


async def look_up_resolved(system: System, code: str) -> Json:
    async def look_up() -> Json:
        body = {"code": code, "citizen_id": APPLICANT["citizen_id"]}
        return await system.post("intake", "/lookup", body=body)

    seen = await eventually(
        look_up, until=lambda view: view["status"]["code"] == 9, what="status 9 at the desk"
    )
    statuses = [entry["status"]["code"] for entry in seen["timeline"]]
    assert statuses[0] == 2 and 9 in statuses
    assert any(DECISION in entry["note"] for entry in seen["timeline"])
    return seen


async def follow_the_sms_link(system: System, code: str) -> None:
    """The link of the case's first SMS, opened in Chromium at a phone's width: the code is filled
    in, the citizen types the ID number, and the page shows the timeline up to the desk."""
    first, *_ = await sms_about(system.sinks, code)
    seen = await open_the_link(first.link, APPLICANT["citizen_id"])
    assert seen.code == code
    assert seen.status == "Đã giải quyết xong"  # status 9, the result at the desk
    assert seen.steps[0] and len(seen.steps) >= 2, seen.steps


async def return_and_rate(system: System, code: str) -> Json:
    clerk = system.officer("reception_clerk")
    returned = await system.post("intake", f"/cases/{code}/result-returned", clerk)
    assert returned["status"]["code"] == 10
    rating = {"citizen_id": APPLICANT["citizen_id"], "indicators": RATING}
    acknowledged = await system.post("intake", f"/cases/{code}/rating", body=rating)
    assert acknowledged == {"status": "recorded", "code": code}
    rated = await system.get("intake", f"/cases/{code}")  # as the desk's clerk
    # Resolved early with no supplement: the five computed indicators give 8 of their 10 points.
    assert rated["rating"]["overall"] == "very_satisfied"
    return rated


async def check_reports(system: System, agency: str, period: dict[str, str], points: int) -> None:
    one_stop = await eventually(
        lambda: system.report("one-stop", period),
        until=lambda r: r["total"]["resolved"]["total"] == 1,
        what="the resolution in the one-stop report",
    )
    [row] = one_stop["rows"]
    assert row["key"] == PROCEDURE
    assert (row["received"]["new"], row["received"]["direct_or_postal"]) == (1, 1)
    payments = await eventually(
        lambda: system.report("payments", period), until=lambda r: r["rows"], what="payments"
    )
    [line] = payments["rows"]
    paid = (line["programme"], line["beneficiaries"], line["amount_vnd"])
    assert paid == (PROGRAMME, 1, MONTHLY_PENSION_VND)
    satisfaction = await eventually(
        lambda: system.report("satisfaction", period), until=lambda r: r["rows"], what="ratings"
    )
    [rated] = satisfaction["rows"]
    assert (rated["agency"], rated["ratings"]) == (agency, 1)
    # The stored rating's points: the citizen's four and the five computed from the case.
    assert rated["average_points"] == points


async def test_a_benefit_dossier_from_the_desk_to_the_payment_report(system: System) -> None:
    code = await submit(system)
    receipt = await system.http.get(system.url("intake", f"/cases/{code}/receipt.pdf"))
    assert receipt.status_code == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")

    async def in_workflow() -> httpx.Response:
        return await system.http.get(system.url("workflow", f"/cases/{code}"))

    opened = await eventually(
        in_workflow, until=lambda r: r.status_code == 200, what="the workflow instance"
    )
    assert opened.json()["applicant_name"] == APPLICANT["full_name"]

    resolved = await approve_and_hand_over(system, code)
    assert resolved["status"] == 9
    await check_events(system, code)
    await check_messages(system, code)
    seen = await look_up_resolved(system, code)
    await follow_the_sms_link(system, code)
    rated = await return_and_rate(system, code)

    # From the day of receipt to that of the rating, the last thing that happened to the case.
    period = {"from": local_day(seen["received_at"]), "to": local_day(rated["rating"]["rated_at"])}
    points = rated["rating"]["total_points"]
    await check_reports(system, rated["submitted"]["agency_code"], period, points)


async def test_an_incomplete_dossier_is_refused_and_publishes_nothing(system: System) -> None:
    citizen = {"full_name": "Lê Văn Toàn", "citizen_id": "040052553902", "email": None}
    complete = await system.dossier(**citizen)
    url = system.url("intake", "/cases")
    refused = await system.http.post(url, json={**complete, "documents": []})
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["field"] == "documents"
    procedure = await system.get("intake", f"/procedures/{PROCEDURE}")
    required = [d["name"] for d in procedure["documents"] if d["required"]]
    assert [m["name"] for m in refused.json()["missing_documents"]] == required

    # The citizen comes back with the papers: once that dossier is on the topic, the intake's
    # relay has run since the refusal.
    accepted = await system.http.post(url, json=complete)
    assert accepted.status_code == 201, accepted.text
    code = accepted.json()["code"]
    await eventually(lambda: system.published("case-submitted", code), what="case-submitted")

    submitted = [
        decode(r.value, topic="case-submitted")
        for r in await read_topic(system.settings, "case-submitted")
    ]
    from_citizen = [
        e.subject for e in submitted if e.data.applicant.citizen_id == citizen["citizen_id"]
    ]
    assert from_citizen == [code]
    # Every event on every topic is about a case the desk accepted.
    for topic in await prefixed_topics(system.settings):
        for record in await read_topic(system.settings, topic):
            assert record.key is not None, topic
            known = await system.http.get(system.url("intake", f"/cases/{record.key.decode()}"))
            assert known.status_code == 200, (topic, record.key)


async def prefixed_topics(settings: ServiceSettings) -> list[str]:
    """The catalogue names of the topics this module's services wrote to."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        topics = await admin.list_topics()
    finally:
        await admin.close()
    prefix = settings.topic_prefix
    return [t.removeprefix(prefix) for t in topics if t.startswith(prefix)]
