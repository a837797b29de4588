"""What the service answers about a case: the desk's full view, and the citizen's lookup view."""

from datetime import datetime

from pydantic import BaseModel

from services.intake.domain.case import Case, Rating
from services.intake.domain.status import CaseStatus
from shared.events.intake import CaseSubmitted
from shared.events.values import DocumentItem


class StatusView(BaseModel):
    code: int
    label: str

    @classmethod
    def of(cls, status: CaseStatus) -> "StatusView":
        return cls(code=status.value, label=status.label)


class TimelineView(BaseModel):
    at: datetime
    status: StatusView
    note: str


class LookupView(BaseModel):
    """What a citizen sees: no personal data beyond what they already know."""

    code: str
    procedure_name: str
    agency_name: str
    status: StatusView
    received_at: datetime
    due_at: datetime
    timeline: list[TimelineView]

    @classmethod
    def of(cls, case: Case) -> "LookupView":
        s = case.submitted
        ordered = sorted(case.timeline, key=lambda e: e.at)
        return cls(
            code=case.code,
            procedure_name=s.procedure_name,
            agency_name=s.agency_name,
            status=StatusView.of(case.status),
            received_at=s.received_at,
            due_at=case.due_at,
            timeline=[
                TimelineView(at=e.at, status=StatusView.of(e.status), note=e.note) for e in ordered
            ],
        )


class CaseView(LookupView):
    """What the desk sees: the whole dossier as received, and what it waits for."""

    submitted: CaseSubmitted
    requested_documents: list[DocumentItem]
    rating: Rating | None

    @classmethod
    def of(cls, case: Case) -> "CaseView":
        return cls(
            **LookupView.of(case).model_dump(),
            submitted=case.submitted,
            requested_documents=case.requested_documents,
            rating=case.rating,
        )
