"""What the intake service's tests share: in-memory fakes of its storage ports, a dossier as a
client sends it, and the workflow events a case meets (all in July 2025, Viet Nam time)."""

from datetime import datetime

from services.intake.domain.case import Case
from services.intake.service_layer.ports import (
    CodeTaken,
    DuplicateIdempotencyKey,
    StaleCase,
    StoredCase,
)
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


class FakeCases:
    def __init__(self) -> None:
        self.docs: dict[str, dict] = {}
        self.published: list[Envelope] = []

    async def insert(
        self, case: Case, idempotency_key: str, fingerprint: str, events: list[Envelope]
    ) -> None:
        if any(d["key"] == idempotency_key for d in self.docs.values()):
            raise DuplicateIdempotencyKey(idempotency_key)
        if case.code in self.docs:
            raise CodeTaken(case.code)
        self.docs[case.code] = {
            "case": case.model_copy(deep=True),
            "key": idempotency_key,
            "fingerprint": fingerprint,
            "applied": set(),
        }
        self.published += events

    async def by_idempotency_key(self, key: str) -> StoredCase | None:
        for doc in self.docs.values():
            if doc["key"] == key:
                return StoredCase(doc["case"].model_copy(deep=True), doc["fingerprint"])
        return None

    async def get(self, code: str) -> Case | None:
        doc = self.docs.get(code)
        return None if doc is None else doc["case"].model_copy(deep=True)

    async def find_for_applicant(self, code: str, citizen_id: str) -> Case | None:
        case = await self.get(code)
        if case is None or case.submitted.applicant.citizen_id != citizen_id:
            return None
        return case

    async def save(self, case: Case, events: list[Envelope], applied_event: str | None) -> bool:
        doc = self.docs[case.code]
        if applied_event in doc["applied"]:
            return False
        if doc["case"].version != case.version:
            raise StaleCase(case.code)
        doc["case"] = case.model_copy(deep=True, update={"version": case.version + 1})
        if applied_event is not None:
            doc["applied"].add(applied_event)
        self.published += events
        return True


class FakeSequences:
    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    async def next_number(self, key: str) -> int:
        self.last[key] = self.last.get(key, 0) + 1
        return self.last[key]

    async def give_back(self, key: str, number: int) -> None:
        if self.last.get(key) == number:
            self.last[key] = number - 1


# 1.001653 at a commune's desk: five working days, one required document.
PROCEDURE = "1.001653"
COMMUNE = "DAIDONG"
CITIZEN_ID = "040085001234"


def dossier(**overrides: object) -> dict:
    """A complete dossier as a client sends it."""
    body: dict = {
        "procedure_code": PROCEDURE,
        "agency_code": COMMUNE,
        "channel": "direct",
        "applicant": {
            "full_name": "Nguyễn Thị Hoa",
            "citizen_id": CITIZEN_ID,
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
