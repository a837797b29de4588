"""What the intake service's tests share: in-memory fakes of its storage ports, a dossier as a
client sends it, and the workflow events a case meets (all in July 2025, Viet Nam time)."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from services.intake.domain.case import Case
from services.intake.service_layer.ports import CaseStore, ReceptionKey, StoredCase
from shared.calendar import LOCAL_TZ
from shared.events.decisions import CaseResolved, Outcome
from shared.events.envelope import Envelope
from shared.events.values import ApplicantContact, CopyKind, DocumentItem, Timeliness
from shared.events.workflow import (
    ProcessingResumed,
    Role,
    StepCompleted,
    StepRef,
    SupplementRequested,
    Wait,
)
from shared.mongo import Conflict
from shared.officers import Officer, OfficerRole

T = TypeVar("T")


class FakeCases:
    """The stored cases (each with its reception key) and every event published, in memory."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[Case, ReceptionKey]] = {}
        self.published: list[Envelope] = []
        self.audited: list[tuple[str, str, str | None]] = []  # officer, action, case code

    def get(self, code: str) -> Case:
        return self.docs[code][0].model_copy(deep=True)


class FakeUnits:
    """Units of work in memory: the work reads and writes a copy of the store, which replaces it
    when the work returns; a work that raises leaves nothing. One attempt: unit tests run no
    concurrent writers, so a conflict (a version or key check that missed) simply raises."""

    def __init__(self, cases: FakeCases | None = None) -> None:
        self.cases = cases or FakeCases()

    async def run(self, work: Callable[[CaseStore], Awaitable[T]]) -> T:
        unit = _FakeUnit(dict(self.cases.docs))
        result = await work(unit)
        self.cases.docs = unit.docs
        self.cases.published += unit.published
        self.cases.audited += unit.audited
        return result


class _FakeUnit:
    def __init__(self, docs: dict[str, tuple[Case, ReceptionKey]]) -> None:
        self.docs = docs
        self.published: list[Envelope] = []
        self.audited: list[tuple[str, str, str | None]] = []  # officer, action, case code

    async def get(self, code: str) -> Case | None:
        doc = self.docs.get(code)
        return None if doc is None else doc[0].model_copy(deep=True)

    async def for_applicant(self, code: str, identifier: str) -> Case | None:
        case = await self.get(code)
        return case if case and case.submitted.applicant.identifier == identifier else None

    async def by_idempotency_key(self, key: str) -> StoredCase | None:
        for case, stored_key in self.docs.values():
            if stored_key.idempotency_key == key:
                return StoredCase(case.model_copy(deep=True), stored_key.fingerprint)
        return None

    def add(self, case: Case, key: ReceptionKey, events: list[Envelope]) -> None:
        taken = {k.idempotency_key for _, k in self.docs.values()}
        if case.code in self.docs or key.idempotency_key in taken:
            raise Conflict(f"{case.code} or {key.idempotency_key} is taken")
        self._put(case, key, events)

    def save(self, case: Case, events: list[Envelope]) -> None:
        stored, key = self.docs[case.code]
        if stored.version != case.version:
            raise Conflict(f"{case.code} changed since it was read")
        self._put(case, key, events)

    async def record(self, officer: Officer, role: OfficerRole, action: str, **change: Any) -> None:
        assert role in officer.roles
        self.audited.append((officer.id, action, change.get("case_code")))

    def _put(self, case: Case, key: ReceptionKey, events: list[Envelope]) -> None:
        stored = case.model_copy(deep=True, update={"version": case.version + 1})
        self.docs[case.code] = (stored, key)
        self.published += events


class FakeSequences:
    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    async def next_number(self, key: str) -> int:
        self.last[key] = self.last.get(key, 0) + 1
        return self.last[key]


# 1.001653 at a commune's desk: five working days, one required document.
PROCEDURE = "1.001653"
COMMUNE = "DAIDONG"
CITIZEN_ID = "040085001234"
# Who acts at the commune's desk: its clerk, and the portal's account filing online dossiers.
DESK_CLERK = Officer(
    id="tn.lan", name="tn.lan", roles=frozenset({OfficerRole.RECEPTION_CLERK}), agency=COMMUNE
)
PORTAL = Officer(id="portal", name="portal", roles=frozenset({OfficerRole.PORTAL}), agency=COMMUNE)


def dossier(**overrides: object) -> dict:
    """A complete dossier as a client sends it."""
    body: dict = {
        "procedure_code": PROCEDURE,
        "agency_code": COMMUNE,
        "channel": "direct",
        "applicant": {
            "full_name": "Nguyễn Thị Hoa",
            "id_number": CITIZEN_ID,
            "date_of_birth": "1958-03-21",
            "phone": "0912 345 678",
            "email": "hoa.nguyen@example.vn",
            "address": "Xóm 3, xã Đại Đồng, tỉnh Nghệ An",
        },
        "documents": [{"key": "don-de-nghi", "kind": "original", "count": 1}],
    }
    body.update(overrides)
    return body


CONTACT = ApplicantContact(full_name="Nguyễn Thị Hoa", phone="+84912345678")
MISSING = DocumentItem(name="Giấy xác nhận cư trú", copy_kind=CopyKind.COPY, count=1)
STEP = StepRef(step_id="tham-dinh", step_name="Thẩm định hồ sơ", role=Role.SPECIALIST)


def july(day: int, hour: int) -> datetime:
    """An instant of July 2025 in Viet Nam's time."""
    return datetime(2025, 7, day, hour, tzinfo=LOCAL_TZ)


def supplement_requested(code: str, at: datetime) -> SupplementRequested:
    return SupplementRequested(
        case_code=code,
        reasons=["Thiếu giấy xác nhận cư trú"],
        missing_documents=[MISSING],
        requested_at=at,
        requested_by="cv.minh",
        clock_paused=True,
        remaining_working_days=3,
        applicant=CONTACT,
    )


def resumed(
    code: str, wait: Wait, at: datetime, days: int, previous: datetime, due: datetime
) -> ProcessingResumed:
    """The workflow's word that a wait ended after ``days`` working days, due date moved."""
    return ProcessingResumed(
        case_code=code,
        resumed_at=at,
        wait=wait,
        paused_working_days=days,
        previous_due_at=previous,
        due_at=due,
        resumed_by="tn.lan",
    )


def step_completed(code: str, at: datetime) -> StepCompleted:
    return StepCompleted(
        case_code=code,
        step=STEP,
        assignee="cv.minh",
        started_at=july(14, 10),
        completed_at=at,
        due_at=july(17, 17),
        timeliness=Timeliness.EARLY,
    )


def resolved(code: str, at: datetime, due_at: datetime) -> CaseResolved:
    return CaseResolved(
        case_code=code,
        outcome=Outcome.APPROVED,
        decision_number="123/QĐ-UBND",
        resolved_at=at,
        due_at=due_at,
        working_days_used=4,
        timeliness=Timeliness.EARLY,
        agency_code=COMMUNE,
        procedure_code=PROCEDURE,
        applicant=CONTACT,
    )
