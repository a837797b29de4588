"""A received case as the desk and the citizen see it: status, due date, timeline, rating.

Every change is a pure method returning the event data to publish (if any); the service layer
stores the new state and its events in one write. The workflow's events can arrive out of order
across topics, so a status only changes for an event at least as recent as the current status.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.intake.domain.errors import Conflict, InvalidInput
from services.intake.domain.satisfaction import (
    COMPUTED,
    CaseRecord,
    CitizenAnswers,
    indicators,
    overall,
    total_points,
)
from services.intake.domain.status import FINISHED, CaseStatus
from services.intake.domain.timeline import TimelineEntry, entry
from shared.calendar import classify_timeliness
from shared.events.intake import (
    CaseRated,
    CaseRefused,
    CaseSubmitted,
    RatingIndicators,
    ResultReturned,
    Satisfaction,
    SupplementReceived,
)
from shared.events.values import ApplicantContact, DocumentItem, Timeliness, UtcDatetime

# The timeline's name for an online registration, which publishes no event until the desk acts.
ONLINE_REGISTRATION = "online-registration"
# The timeline events that end the processing, whose time satisfaction's indicator 1 judges.
_ENDINGS = frozenset({"case-resolved", "processing-stopped"})


class Rating(BaseModel):
    indicators: RatingIndicators
    total_points: int
    overall: Satisfaction
    rated_at: UtcDatetime


class Refusal(BaseModel):
    """The desk's refusal to receive a dossier (form 03): why, by whom, when."""

    reasons: list[str]
    refused_by: str
    refused_at: UtcDatetime


class Case(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    submitted: CaseSubmitted
    status: CaseStatus = CaseStatus.RECEIVED
    status_at: UtcDatetime
    due_at: UtcDatetime
    timeline: list[TimelineEntry] = Field(default_factory=list)
    requested_documents: list[DocumentItem] = Field(default_factory=list)
    rating: Rating | None = None
    refusal: Refusal | None = None
    # Timeliness of each step hand-over the workflow reported (satisfaction's indicator 2).
    step_timeliness: list[Timeliness] = Field(default_factory=list)
    # Bumped by every stored change: a write of a stale copy is refused (optimistic locking).
    version: int = 0

    @property
    def code(self) -> str:
        return self.submitted.case_code

    @classmethod
    def received(cls, submitted: CaseSubmitted) -> "Case":
        at = submitted.received_at
        note = f"Tiếp nhận hồ sơ tại {submitted.agency_name}"
        return cls(
            submitted=submitted,
            status_at=at,
            due_at=submitted.due_at,
            timeline=[entry(at, CaseStatus.RECEIVED, note, "case-submitted")],
        )

    @classmethod
    def registered(cls, submitted: CaseSubmitted) -> "Case":
        """An online dossier (status 1): received only once the desk has checked it."""
        at = submitted.received_at
        note = f"Đăng ký hồ sơ trực tuyến, chờ {submitted.agency_name} kiểm tra và tiếp nhận"
        return cls(
            submitted=submitted,
            status=CaseStatus.NEWLY_REGISTERED,
            status_at=at,
            due_at=submitted.due_at,
            timeline=[entry(at, CaseStatus.NEWLY_REGISTERED, note, ONLINE_REGISTRATION)],
        )

    def accept(self, at: datetime, by: str, due_at: datetime) -> CaseSubmitted:
        """The desk receives an online dossier: processing time counts from now (status 2)."""
        self._require_registered()
        # Validated again, not copied: instants are normalised to UTC like every event's.
        self.submitted = CaseSubmitted.model_validate(
            self.submitted.model_dump() | {"received_at": at, "received_by": by, "due_at": due_at}
        )
        self.due_at = due_at
        note = f"Tiếp nhận hồ sơ trực tuyến tại {self.submitted.agency_name}"
        self.record(at, CaseStatus.RECEIVED, note, "case-submitted")
        return self.submitted

    def refuse(self, reasons: list[str], at: datetime, by: str) -> CaseRefused:
        """The desk refuses an online dossier with its reasons (form 03, status 3)."""
        self._require_registered()
        self.refusal = Refusal(reasons=reasons, refused_by=by, refused_at=at)
        note = "Không tiếp nhận hồ sơ: " + "; ".join(reasons)
        self.record(at, CaseStatus.NOT_RECEIVED, note, "case-refused")
        s = self.submitted
        return CaseRefused(
            case_code=self.code,
            reasons=reasons,
            refused_at=at,
            refused_by=by,
            agency_code=s.agency_code,
            procedure_code=s.procedure_code,
            applicant=ApplicantContact(
                full_name=s.applicant.full_name, phone=s.applicant.phone, email=s.applicant.email
            ),
        )

    def _require_registered(self) -> None:
        if self.status is not CaseStatus.NEWLY_REGISTERED:
            reason = f"Hồ sơ không chờ tiếp nhận (trạng thái: {self.status.label})"
            raise Conflict("case_code", reason)

    def record(self, at: datetime, status: CaseStatus | None, note: str, event: str) -> None:
        """Add a timeline entry; move to ``status`` unless a later change already happened.

        An entry that sets no status shows the status in effect at its own time, not the current
        one: a payment decided before the hand-over must not read "resolved" between two
        "in progress" entries.
        """
        if status is not None and at >= self.status_at:
            self.status, self.status_at = status, at
        self.timeline.append(entry(at, status or self.status_in_effect(at), note, event))

    def status_in_effect(self, at: datetime) -> CaseStatus:
        """The status of the latest entry at or before ``at`` (ties: the last applied)."""
        earlier = [e for e in self.timeline if e.at <= at]
        if not earlier:
            return self.timeline[0].status if self.timeline else self.status
        return sorted(earlier, key=lambda e: e.at)[-1].status

    def receive_supplement(
        self, documents: list[DocumentItem], at: datetime, by: str
    ) -> SupplementReceived:
        """The due date stays until the workflow, which owns deadlines, says where it moved."""
        if self.status is not CaseStatus.SUPPLEMENT_REQUESTED:
            raise Conflict("case_code", "Hồ sơ không ở trạng thái chờ bổ sung")
        self._check_requested(documents)
        self.requested_documents = []
        self.record(at, CaseStatus.IN_PROGRESS, "Đã nhận hồ sơ bổ sung", "supplement-received")
        return SupplementReceived(
            case_code=self.code, documents=documents, received_at=at, received_by=by
        )

    def return_result(self, at: datetime, by: str) -> ResultReturned:
        if self.status is CaseStatus.RESULT_RETURNED:
            raise Conflict("case_code", "Kết quả của hồ sơ này đã được trả cho công dân")
        if self.status is not CaseStatus.RESOLVED:
            raise Conflict("case_code", "Hồ sơ chưa có kết quả để trả")
        self.record(
            at, CaseStatus.RESULT_RETURNED, "Đã trả kết quả cho công dân", "result-returned"
        )
        return ResultReturned(case_code=self.code, returned_at=at, returned_by=by)

    def rate(self, answers: CitizenAnswers | RatingIndicators, at: datetime) -> CaseRated:
        """The citizen's four answers plus the five indicators the case's record computes.

        A nine-indicator rating (the former body) is still taken: its computed five are ignored.
        """
        if self.rating is not None:
            raise Conflict("rating", "Hồ sơ này đã được đánh giá")
        if self.status not in FINISHED:
            raise Conflict("case_code", "Chỉ đánh giá được khi hồ sơ đã giải quyết xong")
        points = indicators(self.record_for_rating(), CitizenAnswers.model_validate(answers))
        self.rating = Rating(
            indicators=points,
            total_points=total_points(points),
            overall=overall(points),
            rated_at=at,
        )
        self.timeline.append(entry(at, self.status, "Công dân đã đánh giá", "case-rated"))
        return CaseRated(
            case_code=self.code,
            indicators=points,
            total_points=self.rating.total_points,
            overall=self.rating.overall,
            agency_code=self.submitted.agency_code,
            rated_at=at,
            computed=list(COMPUTED),
        )

    def record_for_rating(self) -> CaseRecord:
        """How the processing ended against the due date, its hand-overs, its supplements."""
        ends = [e.at for e in self.timeline if e.event in _ENDINGS]
        # Rated only once finished, so an ending is there; status_at is a guard, not a rule.
        ended_at = max(ends) if ends else self.status_at
        supplements = sum(e.event == "supplement-requested" for e in self.timeline)
        return CaseRecord(
            finished=classify_timeliness(ended_at, self.due_at),
            steps=tuple(self.step_timeliness),
            supplement_requests=supplements,
        )

    def _check_requested(self, documents: list[DocumentItem]) -> None:
        requested = {d.name for d in self.requested_documents}
        for index, document in enumerate(documents):
            if requested and document.name not in requested:
                raise InvalidInput(
                    f"documents.{index}.name", "Giấy tờ này không nằm trong yêu cầu bổ sung"
                )
