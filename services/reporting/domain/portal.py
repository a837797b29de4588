"""The per-case record the national public-service portal receives from the one-stop system.

Decision 31/2021/QĐ-TTg art. 30 cl. 3: a provincial one-stop system synchronises to the national
portal (Cổng Dịch vụ công quốc gia) the dossier and its result, its processing progress, the
satisfaction answers, the postal sending and receiving of the dossier and result, and the fee
payments. Events of one case come on several topics in no guaranteed order, so the record is a
set of facts each kept with its time; ``portal_payload`` renders them in time order.

No applicant's name, ID number or phone number is kept: reporting stores no personal data.
"""

from datetime import datetime

from pydantic import BaseModel, Field


class Dossier(BaseModel):
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    channel: str  # SubmissionChannel: direct, online, postal
    received_at: datetime
    processing_days: int
    time_unit: str
    fee_vnd: int
    result_delivery: str  # ResultDelivery: desk, postal, online


class Step(BaseModel):
    """One entry of the progress: a portal status (1-10), when, and the agency if the event
    names one (else the agency holding the case then)."""

    event_id: str
    status: int
    at: datetime
    agency: str | None = None


class Result(BaseModel):
    outcome: str
    decision_number: str
    resolved_at: datetime
    timeliness: str
    agency_code: str


class BenefitDecision(BaseModel):
    event_id: str
    decision_number: str
    programme_code: str
    amount_vnd: int
    approved_at: datetime


class Fee(BaseModel):
    """A fee requested during processing, and when its payment was recorded (the wait ended)."""

    event_id: str
    amount_vnd: int
    reason: str
    requested_at: datetime
    paid_at: datetime | None = None


class Rating(BaseModel):
    indicators: dict[str, int]
    total_points: int
    overall: str
    rated_at: datetime


class Due(BaseModel):
    at: datetime
    set_at: datetime


class PortalRecord(BaseModel):
    case_code: str
    dossier: Dossier | None = None
    refusal_reasons: list[str] = Field(default_factory=list)
    progress: list[Step] = Field(default_factory=list)
    due: Due | None = None
    result: Result | None = None
    result_returned_at: datetime | None = None
    benefit_decisions: list[BenefitDecision] = Field(default_factory=list)
    fees: list[Fee] = Field(default_factory=list)
    rating: Rating | None = None

    @property
    def ready(self) -> bool:
        """The portal can place it: the dossier was received, or refused at the desk."""
        return self.dossier is not None or bool(self.refusal_reasons)
