"""A received case as the desk and the citizen see it: status, due date, timeline, rating.

Every change is a pure method returning the event data to publish (if any); the service layer
stores the new state and its events in one write. The workflow's events can arrive out of order
across topics, so a status only changes for an event at least as recent as the current status.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.intake.domain.errors import Conflict, InvalidInput
from services.intake.domain.rating import overall, total_points
from services.intake.domain.status import FINISHED, CaseStatus
from services.intake.domain.timeline import TimelineEntry, entry
from shared.events.intake import (
    CaseRated,
    CaseSubmitted,
    RatingIndicators,
    ResultReturned,
    Satisfaction,
    SupplementReceived,
)
from shared.events.values import DocumentItem, UtcDatetime


class Rating(BaseModel):
    indicators: RatingIndicators
    total_points: int
    overall: Satisfaction
    rated_at: UtcDatetime


class Case(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    submitted: CaseSubmitted
    status: CaseStatus = CaseStatus.RECEIVED
    status_at: UtcDatetime
    due_at: UtcDatetime
    timeline: list[TimelineEntry] = Field(default_factory=list)
    requested_documents: list[DocumentItem] = Field(default_factory=list)
    rating: Rating | None = None
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

    def record(self, at: datetime, status: CaseStatus | None, note: str, event: str) -> None:
        """Add a timeline entry; move to ``status`` unless a later change already happened."""
        if status is not None and at >= self.status_at:
            self.status, self.status_at = status, at
        self.timeline.append(entry(at, status or self.status, note, event))

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

    def rate(self, indicators: RatingIndicators, at: datetime) -> CaseRated:
        if self.rating is not None:
            raise Conflict("rating", "Hồ sơ này đã được đánh giá")
        if self.status not in FINISHED:
            raise Conflict("case_code", "Chỉ đánh giá được khi hồ sơ đã giải quyết xong")
        self.rating = Rating(
            indicators=indicators,
            total_points=total_points(indicators),
            overall=overall(indicators),
            rated_at=at,
        )
        self.timeline.append(entry(at, self.status, "Công dân đã đánh giá", "case-rated"))
        return CaseRated(
            case_code=self.code,
            indicators=indicators,
            total_points=self.rating.total_points,
            overall=self.rating.overall,
            agency_code=self.submitted.agency_code,
            rated_at=at,
        )

    def _check_requested(self, documents: list[DocumentItem]) -> None:
        requested = {d.name for d in self.requested_documents}
        for index, document in enumerate(documents):
            if requested and document.name not in requested:
                raise InvalidInput(
                    f"documents.{index}.name", "Giấy tờ này không nằm trong yêu cầu bổ sung"
                )
