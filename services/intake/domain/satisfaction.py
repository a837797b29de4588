"""Satisfaction with one case: nine indicators of 0 to 2 points, five of them computed from the
case's own record, four rated by the citizen, and the overall level.

Sources:
- Decision 766/QĐ-TTg (23/6/2022) approves the index for directing, operating and assessing the
  quality of service to citizens and businesses; satisfaction is one of its five groups (100
  points in all). Its text was not available here; nothing below is taken from it directly.
- The nine indicators and the points of each (2 / 1 / 0) are those of Circular 01/2018/TT-VPCP,
  art. 13 (indicators for assessing the handling of an administrative procedure, 18 points),
  read in the wording a provincial one-stop system publishes (github.com/HuanVu201/
  DichVuCong_KhoaLuan_PASETO, TieuChiDanhGiaHaiLong.json, indicators 1-7) and in the nine-row
  18-point table of the same system's report form. The article number is inferred from art. 12
  cl. 4 of the circular, which refers to "Điều 13 Thông tư này" for the assessment form.
- The overall level of one case (not satisfied / satisfied / very satisfied): no official
  threshold was found. SATISFIED_FROM and VERY_SATISFIED_FROM are the project's own.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel, Field, model_validator

from shared.events.intake import ComputedIndicator, Points, RatingIndicators, Satisfaction
from shared.events.values import Timeliness, ValueModel

COMPUTED: tuple[ComputedIndicator, ...] = get_args(ComputedIndicator)

# Circular 01/2018/TT-VPCP art. 13, indicators 1 and 2: 2 points when shorter than the legal
# time, 1 when equal, 0 when longer. "Equal" is the due date itself, as the control slip reads it.
_TIME_POINTS = {Timeliness.EARLY: 2, Timeliness.ON_TIME: 1, Timeliness.LATE: 0}
_WORST_FIRST = (Timeliness.LATE, Timeliness.ON_TIME, Timeliness.EARLY)

# Indicator 5 gives 2 points only when the agency's one-stop desk itself examines and approves a
# set share of its procedures (20 % at province level, 50 % district, 100 % commune): a fact about
# the agency that neither the case nor the catalogue records. A case received and returned
# through the desk meets the 1-point rule, which is all the system can vouch for.
ONE_STOP_POINTS = 1

# Indicator 6 gives 2 points when the procedure is published both by posting at the desk and
# electronically, 1 for either. A received case's procedure is in the public catalogue this
# system serves (electronic); posting at the desk is not recorded, so 1.
PUBLISHED_POINTS = 1

# UNSOURCED: the overall level of one case. No official threshold was found (see the module
# docstring); these keep the meaning the reports had: an average of 1 point is satisfied, of at
# least 1.5 very satisfied.
SATISFIED_FROM = 9
VERY_SATISFIED_FROM = 14


@dataclass(frozen=True)
class CaseRecord:
    """What the case's own record says, at rating time."""

    # How the case ended (resolution, or a stop) against its due date.
    finished: Timeliness
    # Each hand-over's timeliness against its step's due time; empty when none was tracked.
    steps: tuple[Timeliness, ...]
    # How many times the desk asked the applicant to complete the dossier.
    supplement_requests: int


class CitizenAnswers(BaseModel):
    """The four indicators only the applicant can judge, 0 to 2 points each."""

    model_config = {"extra": "forbid", "frozen": True}

    contacts: Points = Field(
        description="Số lần phải liên hệ với nơi tiếp nhận để hoàn thiện hồ sơ: 2 khi không lần "
        "nào, 1 khi một lần, 0 khi hơn một lần (trừ khi do lỗi của người nộp)."
    )
    staff_attitude: Points = Field(description="Thái độ của cán bộ, công chức.")
    feedback_handling: Points = Field(
        description="Tiếp thu, giải trình đối với ý kiến phản ánh, kiến nghị."
    )
    online_quality: Points = Field(description="Chất lượng dịch vụ công trực tuyến.")

    @model_validator(mode="before")
    @classmethod
    def drop_computed(cls, data: Any) -> Any:
        """Accept the former nine-indicator body for one version: the five indicators now
        computed from the case are ignored, whatever the citizen typed for them."""
        if isinstance(data, ValueModel):
            data = data.model_dump()
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if k not in COMPUTED}
        return data


def time_points(timeliness: Timeliness) -> int:
    return _TIME_POINTS[timeliness]


def worst(timeliness: Iterable[Timeliness]) -> Timeliness | None:
    seen = set(timeliness)
    return next((t for t in _WORST_FIRST if t in seen), None)


def agencies_points(supplement_requests: int) -> int:
    """Indicator 4: 2 when the applicant contacted no agency to complete the dossier, 1 when only
    the one-stop desk. The agencies an interlinked case passes through are the desk's business,
    not contacts of the applicant; one outside the desk (0 points) is never recorded here."""
    return 2 if supplement_requests == 0 else 1


def computed(record: CaseRecord) -> dict[str, int]:
    # Indicator 2 judges each unit; the case scores its slowest. With no hand-over tracked, the
    # case's own processing is the only unit whose time is known.
    slowest = worst(record.steps) or record.finished
    return {
        "total_time": time_points(record.finished),
        "unit_time": time_points(slowest),
        "agencies_contacted": agencies_points(record.supplement_requests),
        "one_stop": ONE_STOP_POINTS,
        "publicly_posted": PUBLISHED_POINTS,
    }


def indicators(record: CaseRecord, answers: CitizenAnswers) -> RatingIndicators:
    return RatingIndicators(**computed(record), **answers.model_dump())


def total_points(points: RatingIndicators) -> int:
    return sum(points.model_dump().values())


def overall(points: RatingIndicators) -> Satisfaction:
    total = total_points(points)
    if total >= VERY_SATISFIED_FROM:
        return Satisfaction.VERY_SATISFIED
    if total >= SATISFIED_FROM:
        return Satisfaction.SATISFIED
    return Satisfaction.NOT_SATISFIED
