"""The national portal's record of a case, and its sending, with in-memory fakes of the ports."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.reporting.adapters.portal_http import HttpPortalEndpoint
from services.reporting.adapters.portal_refusals import PORTAL_DLQ, refusal_record
from services.reporting.domain.portal_payload import portal_payload
from services.reporting.service_layer.portal_ports import (
    Claim,
    PushFailed,
    Resend,
    Settlement,
    StoredRecord,
)
from services.reporting.service_layer.portal_sync import (
    Backoff,
    PortalSync,
    keep_for_portal,
    resend_refused,
)
from services.reporting.settings import ReportingSettings
from shared.clock import ManualClock
from shared.events.codec import new_event
from shared.events.decisions import CaseResolved
from shared.events.envelope import Envelope, EventData
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseRated, CaseSubmitted, ResultReturned
from shared.events.values import ResultDelivery, SubmissionChannel
from shared.events.workflow import (
    CaseTransferred,
    DeadlineWarning,
    FeeRequested,
    ProcessingResumed,
    StepCompleted,
    SupplementRequested,
    Wait,
)
from shared.officers import Officer, OfficerRole

pytestmark = pytest.mark.unit
NOW = datetime(2025, 7, 30, 8, tzinfo=UTC)
CASE = EXAMPLES[CaseSubmitted].case_code
ADMIN = Officer(
    id="qtv01", name="Quản trị viên", roles=frozenset({OfficerRole.ADMIN}), agency="SNV.NA"
)


def event(kind: type[EventData], **changes: Any) -> Envelope[Any]:
    return new_event(EXAMPLES[kind].model_copy(update={"case_code": CASE, **changes}))


class FakeRecords:
    """The portal records in memory: the book of a unit of work and the queue of sends."""

    def __init__(self) -> None:
        self.stored: dict[str, StoredRecord] = {}
        self.dead: list[tuple[Claim, str]] = []

    async def get(self, case_code: str) -> StoredRecord | None:
        return self.stored.get(case_code)

    def save(self, stored: StoredRecord) -> None:
        current = self.stored.get(stored.record.case_code)
        assert stored.version == (current.version if current else 0), "stale write"
        self.stored[stored.record.case_code] = StoredRecord(
            stored.record, stored.sync, stored.version + 1
        )

    async def claim(self, token: str, now: datetime, until: datetime) -> Claim | None:
        due = [s for s in self.stored.values() if s.sync.due_at and s.sync.due_at <= now]
        if not due:
            return None
        first = min(due, key=lambda s: s.sync.due_at or now)
        event_id = first.sync.pending
        assert event_id is not None
        self.save(StoredRecord(first.record, first.sync.claimed(token, until), first.version))
        payload = portal_payload(first.record)
        return Claim(first.record.case_code, event_id, token, payload, first.sync.attempts)

    async def settle(self, claim: Claim, state: Settlement) -> bool:
        stored = self.stored[claim.case_code]
        if stored.sync.claim != claim.token:
            return False
        self.save(
            StoredRecord(stored.record, state.apply(stored.sync, claim.event_id), stored.version)
        )
        if state.dead and state.error:
            self.dead.append((claim, state.error))
        return True

    async def resend(self, case_code: str, key: str, now: datetime, who: Officer) -> Resend:
        stored = self.stored.get(case_code)
        if stored is None:
            return Resend.UNKNOWN
        if not stored.sync.refused:
            return Resend.NOT_REFUSED
        self.save(StoredRecord(stored.record, stored.sync.resent(key, now), stored.version))
        return Resend.QUEUED

    async def pending(self) -> int:
        return sum(1 for s in self.stored.values() if s.sync.due_at is not None)


class FakePortal:
    """Accepts each idempotency key once; fails the next requests as told."""

    def __init__(self) -> None:
        self.received: dict[str, dict[str, Any]] = {}
        self.requests = 0
        self.failures: list[PushFailed] = []

    async def push(self, payload: dict[str, Any], idempotency_key: str) -> None:
        self.requests += 1
        if self.failures:
            raise self.failures.pop(0)
        self.received.setdefault(idempotency_key, payload)


def sync(records: FakeRecords, portal: FakePortal, clock: ManualClock) -> PortalSync:
    backoff = Backoff(initial_s=2.0, max_s=60.0, lease=timedelta(seconds=30))
    return PortalSync(records, portal, clock, backoff, interval_s=1.0, rand=lambda: 1.0)


async def keep(records: FakeRecords, clock: ManualClock, *events: Envelope[Any]) -> None:
    for e in events:
        await keep_for_portal(records, e, clock)


async def test_the_record_carries_dossier_progress_fees_result_postal_and_rating() -> None:
    records, clock = FakeRecords(), ManualClock(NOW)
    submitted = event(
        CaseSubmitted, channel=SubmissionChannel.POSTAL, result_delivery=ResultDelivery.POSTAL
    )
    transferred = event(CaseTransferred, to_agency_code="SNV.TC")
    fee = event(FeeRequested)
    paid = event(ProcessingResumed, wait=Wait.FEE, resumed_at=fee.data.requested_at + timedelta(1))
    await keep(
        records,
        clock,
        # Out of order, as topics deliver them: the result before the step, the step first.
        event(StepCompleted),
        event(CaseResolved, result_delivery=ResultDelivery.POSTAL),
        submitted,
        event(SupplementRequested),
        transferred,
        fee,
        paid,
        event(ResultReturned),
        event(CaseRated),
    )
    body = portal_payload(records.stored[CASE].record)
    statuses = [(s["status"], s["agency"]) for s in body["progress"]]
    assert statuses == [
        (2, "SNV.NA"),
        (5, "SNV.NA"),
        (6, "SNV.NA"),
        (4, "SNV.NA"),
        (4, "SNV.TC"),
        (4, "SNV.TC"),
        (9, "SNV.NA"),
        (10, "SNV.NA"),
    ]
    assert body["status"] == 10
    assert body["dossier"]["procedure_code"] == submitted.data.procedure_code
    assert body["result"]["decision_number"]
    assert body["fees"][0]["amount_vnd"] == 50_000
    assert body["fees"][0]["paid_at"] == paid.data.resumed_at.isoformat().replace("+00:00", "Z")
    assert body["postal"] == {
        "dossier_received_by_post": True,
        "result_sent_by_post": True,
        "result_sent_at": body["result_returned_at"],
    }
    assert body["rating"]["total_points"] == 16
    assert "applicant" not in str(body) and submitted.data.applicant.citizen_id not in str(body)


async def test_a_record_waits_for_its_dossier_then_goes_once_with_the_latest_event_id() -> None:
    records, portal, clock = FakeRecords(), FakePortal(), ManualClock(NOW)
    await keep(records, clock, event(StepCompleted))
    assert records.stored[CASE].sync.due_at is None  # the portal could not place it yet
    submitted = event(CaseSubmitted)
    await keep(records, clock, submitted)
    await sync(records, portal, clock).run_once()
    assert list(portal.received) == [str(submitted.id)]
    assert records.stored[CASE].sync.pending is None
    assert await records.pending() == 0


async def test_events_that_tell_the_portal_nothing_change_nothing() -> None:
    records, clock = FakeRecords(), ManualClock(NOW)
    await keep(records, clock, event(CaseSubmitted))
    version = records.stored[CASE].version
    await keep(records, clock, event(DeadlineWarning))
    assert records.stored[CASE].version == version


async def test_an_outage_is_retried_with_backoff_and_delivered_once() -> None:
    records, portal, clock = FakeRecords(), FakePortal(), ManualClock(NOW)
    worker = sync(records, portal, clock)
    submitted = event(CaseSubmitted)
    await keep(records, clock, submitted)
    portal.failures = [PushFailed("portal answered 503"), PushFailed("unreachable")]
    await worker.run_once()
    assert records.stored[CASE].sync.due_at == NOW + timedelta(seconds=2)
    await worker.run_once()  # not due yet: nothing sent
    assert portal.requests == 1
    clock.set(NOW + timedelta(seconds=2))
    await worker.run_once()
    assert records.stored[CASE].sync.attempts == 2
    assert records.stored[CASE].sync.due_at == clock.now() + timedelta(seconds=4)
    clock.advance(timedelta(seconds=4))
    await worker.run_once()
    assert list(portal.received) == [str(submitted.id)]
    assert records.stored[CASE].sync.attempts == 0
    assert records.stored[CASE].sync.delivered == str(submitted.id)


async def test_a_refusal_is_dead_lettered_and_a_later_event_sends_the_record_again() -> None:
    records, portal, clock = FakeRecords(), FakePortal(), ManualClock(NOW)
    worker = sync(records, portal, clock)
    submitted = event(CaseSubmitted)
    await keep(records, clock, submitted)
    portal.failures = [PushFailed("portal answered 400: bad", permanent=True)]
    await worker.run_once()
    [(claim, reason)] = records.dead
    assert (claim.event_id, reason) == (str(submitted.id), "portal answered 400: bad")
    assert records.stored[CASE].sync.due_at is None and portal.received == {}
    step = event(StepCompleted)
    await keep(records, clock, step)
    await worker.run_once()
    assert list(portal.received) == [str(step.id)]


async def test_an_operator_sends_a_refused_record_again_under_a_new_key() -> None:
    records, portal, clock = FakeRecords(), FakePortal(), ManualClock(NOW)
    worker, admin = sync(records, portal, clock), ADMIN
    assert (await resend_refused(records, CASE, admin, clock))[0] is Resend.UNKNOWN
    submitted = event(CaseSubmitted)
    await keep(records, clock, submitted)
    # Waiting, not refused: nothing to send again.
    assert (await resend_refused(records, CASE, admin, clock))[0] is Resend.NOT_REFUSED
    portal.failures = [PushFailed("portal answered 400: bad", permanent=True)]
    await worker.run_once()
    outcome, key = await resend_refused(records, CASE, admin, clock)
    assert outcome is Resend.QUEUED and key != str(submitted.id)
    await worker.run_once()
    assert list(portal.received) == [key]
    assert records.stored[CASE].sync.delivered == key
    assert records.stored[CASE].sync.last_error is None
    assert (await resend_refused(records, CASE, admin, clock))[0] is Resend.NOT_REFUSED


def test_a_refusal_is_parked_as_json_keyed_by_case_with_its_reason_in_headers() -> None:
    claim = Claim(CASE, "e-1", "t", {"case_code": CASE, "status": 2}, attempts=0)
    record = refusal_record(claim, Settlement(NOW, "portal answered 400: thiếu mã"))
    assert (record.topic, record.key) == (PORTAL_DLQ, CASE)
    body = json.loads(record.value)
    assert body == {
        "case_code": CASE,
        "event_id": "e-1",
        "reason": "portal answered 400: thiếu mã",
        "attempts": 1,
        "refused_at": NOW.isoformat(),
        "payload": {"case_code": CASE, "status": 2},
    }
    headers = dict(record.headers)
    assert headers["dlq_reason"].decode() == "portal answered 400: thiếu mã"
    assert (headers["dlq_event_id"], headers["dlq_attempts"]) == (b"e-1", b"1")


async def test_an_event_during_a_send_goes_in_the_next_send() -> None:
    records, portal, clock = FakeRecords(), FakePortal(), ManualClock(NOW)
    worker = sync(records, portal, clock)
    submitted, step = event(CaseSubmitted), event(StepCompleted)
    await keep(records, clock, submitted)
    claim = await records.claim("t", NOW, NOW + timedelta(seconds=30))
    assert claim is not None
    await keep(records, clock, step)  # arrives while the send is in flight
    assert records.stored[CASE].sync.due_at == NOW + timedelta(seconds=30)  # the lease holds
    assert await worker.send(claim) == "delivered"
    assert records.stored[CASE].sync.due_at == NOW
    await worker.run_once()
    assert list(portal.received) == [str(submitted.id), str(step.id)]
    assert [s["status"] for s in portal.received[str(step.id)]["progress"]] == [2, 4]


async def test_a_lapsed_claim_goes_again_under_its_key_and_its_late_outcome_is_refused() -> None:
    records, portal, clock = FakeRecords(), FakePortal(), ManualClock(NOW)
    worker = sync(records, portal, clock)
    await keep(records, clock, event(CaseSubmitted))
    first = await records.claim("crashed", NOW, NOW + timedelta(seconds=30))
    assert first is not None
    clock.set(NOW + timedelta(seconds=31))
    await worker.run_once()
    assert not await records.settle(first, Settlement(clock.now()))
    assert list(portal.received) == [first.event_id]


def respond(status: int) -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Idempotency-Key"] == "e-1"
        assert request.headers["Authorization"] == "Bearer s3cret"
        return httpx.Response(status, text="no")

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


@pytest.mark.parametrize(
    ("status", "permanent"), [(400, True), (404, True), (429, False), (408, False), (503, False)]
)
async def test_the_http_endpoint_tells_refusals_from_transient_failures(
    status: int, permanent: bool
) -> None:
    settings = ReportingSettings(portal_sync_url="http://portal/sync", portal_sync_token="s3cret")
    endpoint = HttpPortalEndpoint(settings, respond(status))
    with pytest.raises(PushFailed) as failed:
        await endpoint.push({"case_code": CASE}, "e-1")
    assert failed.value.permanent is permanent
    assert str(status) in failed.value.reason


async def test_the_http_endpoint_accepts_a_success() -> None:
    settings = ReportingSettings(portal_sync_url="http://portal/sync", portal_sync_token="s3cret")
    await HttpPortalEndpoint(settings, respond(201)).push({}, "e-1")


def test_production_refuses_a_portal_url_without_a_token() -> None:
    production = {
        "environment": "production",
        "auth_jwks_url": "https://sso.example.gov.vn/certs",
        "auth_issuer": "https://sso.example.gov.vn",
        "kafka_security_protocol": "SASL_SSL",
        "kafka_sasl_username": "reporting",
        "kafka_sasl_password": "kafka-secret",
        "mongodb_username": "reporting",
        "mongodb_password": "mongo-secret",
        "portal_sync_url": "https://dichvucong.gov.vn/sync",
    }
    with pytest.raises(ValueError, match="PORTAL_SYNC_TOKEN"):
        ReportingSettings(**production)
    assert ReportingSettings(**production, portal_sync_token="t").portal_sync_token
