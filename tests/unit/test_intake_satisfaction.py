"""Satisfaction by the rules: the five indicators a case's record answers are computed from it
(Circular 01/2018/TT-VPCP art. 13 points), the citizen rates the other four, and a former
nine-indicator rating is still taken with its computed five ignored."""

import pytest
from pydantic import ValidationError

from services.intake.domain import tracking
from services.intake.domain.case import Case
from services.intake.domain.commands import RateService
from services.intake.domain.satisfaction import (
    COMPUTED,
    CaseRecord,
    CitizenAnswers,
    computed,
    overall,
)
from shared.events.decisions import ProcessingStopped
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseRated, CaseSubmitted, RatingIndicators
from shared.events.values import Timeliness
from tests.unit.intake_fakes import CONTACT, july, resolved, supplement_requested

pytestmark = pytest.mark.unit

EARLY, ON_TIME, LATE = Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE
ANSWERS = CitizenAnswers(contacts=2, staff_attitude=1, feedback_handling=2, online_quality=0)
# The former body: nine indicators, the five now computed typed as 0 by the citizen.
NINE = dict.fromkeys(RatingIndicators.model_fields, 0) | ANSWERS.model_dump()


def record(finished: Timeliness, *steps: Timeliness, supplements: int = 0) -> CaseRecord:
    return CaseRecord(finished=finished, steps=steps, supplement_requests=supplements)


@pytest.mark.parametrize(("finished", "points"), [(EARLY, 2), (ON_TIME, 1), (LATE, 0)])
def test_total_time_is_the_case_against_its_legal_time(finished: Timeliness, points: int) -> None:
    assert computed(record(finished))["total_time"] == points


@pytest.mark.parametrize(
    ("steps", "points"),
    [((EARLY, EARLY), 2), ((EARLY, ON_TIME), 1), ((ON_TIME, LATE, EARLY), 0)],
)
def test_time_at_each_unit_scores_the_slowest_hand_over(
    steps: tuple[Timeliness, ...], points: int
) -> None:
    # The case as a whole was early: a late unit still costs the unit-time points.
    assert computed(record(EARLY, *steps))["unit_time"] == points


def test_without_a_tracked_hand_over_the_unit_is_the_whole_case() -> None:
    assert computed(record(LATE))["unit_time"] == 0
    assert computed(record(ON_TIME))["unit_time"] == 1


@pytest.mark.parametrize(("supplements", "points"), [(0, 2), (1, 1), (3, 1)])
def test_agencies_contacted_counts_the_desk_only_when_the_dossier_needed_completing(
    supplements: int, points: int
) -> None:
    assert computed(record(EARLY, supplements=supplements))["agencies_contacted"] == points


def test_desk_and_publication_get_what_the_record_can_vouch_for() -> None:
    points = computed(record(EARLY))
    assert (points["one_stop"], points["publicly_posted"]) == (1, 1)
    assert set(points) == set(COMPUTED)


def test_the_citizen_answers_four_and_the_old_nine_lose_the_computed_five() -> None:
    assert CitizenAnswers.model_validate(NINE) == ANSWERS
    assert CitizenAnswers.model_validate(RatingIndicators(**NINE)) == ANSWERS
    assert RateService.model_validate({"indicators": NINE}).indicators == ANSWERS
    assert RateService.model_validate({"indicators": ANSWERS.model_dump()}).indicators == ANSWERS
    with pytest.raises(ValidationError) as missing:
        RateService.model_validate({"indicators": {"contacts": 2}})
    assert {e["loc"][-1] for e in missing.value.errors()} == {
        "staff_attitude",
        "feedback_handling",
        "online_quality",
    }
    with pytest.raises(ValidationError, match="extra"):
        CitizenAnswers.model_validate(ANSWERS.model_dump() | {"speed": 2})


@pytest.mark.parametrize(
    ("total", "level"),
    [(0, "not_satisfied"), (8, "not_satisfied"), (9, "satisfied"), (14, "very_satisfied")],
)
def test_overall_follows_the_total(total: int, level: str) -> None:
    names = list(RatingIndicators.model_fields)
    values = dict.fromkeys(names, 0)
    for i in range(total):
        values[names[i % 9]] += 1
    assert overall(RatingIndicators(**values)) == level


def received() -> Case:
    """A case received Mon 14/7/2025 9:00, due Mon 21/7 (five working days)."""
    example = EXAMPLES[CaseSubmitted].model_dump()
    dates = {"received_at": july(14, 9), "due_at": july(21, 17)}
    return Case.received(CaseSubmitted.model_validate(example | dates))


def test_a_late_case_after_a_supplement_is_rated_from_its_record() -> None:
    case = received()
    tracking.supplement_requested(case, supplement_requested(case.code, july(15, 10)))
    tracking.case_resolved(case, resolved(case.code, july(22, 10), july(21, 17)))
    event = case.rate(RateService.model_validate({"indicators": NINE}).indicators, july(23, 8))
    assert case.rating is not None
    points = case.rating.indicators
    # Resolved Tue 22/7 against Mon 21/7: late, whatever the workflow's own label said.
    assert (points.total_time, points.unit_time, points.agencies_contacted) == (0, 0, 1)
    assert (points.one_stop, points.publicly_posted) == (1, 1)
    # The citizen's four are kept; the 0s typed for the computed five were ignored.
    assert (points.contacts, points.staff_attitude, points.online_quality) == (2, 1, 0)
    assert case.rating.total_points == 0 + 0 + 1 + 1 + 1 + 2 + 1 + 2 + 0
    assert event.indicators == points and event.computed == list(COMPUTED)
    assert event.total_points == case.rating.total_points


def test_an_early_case_with_a_late_hand_over_loses_the_unit_points() -> None:
    case = received()
    tracking.case_resolved(case, resolved(case.code, july(18, 10), july(21, 17)))
    case.step_timeliness = [EARLY, LATE]
    event = case.rate(ANSWERS, july(18, 15))
    assert (event.indicators.total_time, event.indicators.unit_time) == (2, 0)
    assert event.indicators.agencies_contacted == 2


def test_a_stopped_case_is_judged_at_its_stop() -> None:
    case = received()
    stop = ProcessingStopped(
        case_code=case.code,
        reason="Công dân đề nghị dừng",
        stopped_at=july(21, 16),
        stopped_by="ld.hung",
        applicant=CONTACT,
    )
    tracking.processing_stopped(case, stop)
    event = case.rate(ANSWERS, july(22, 9))
    assert event.indicators.total_time == 1  # on the due date itself


def test_a_rating_published_before_the_computation_still_decodes() -> None:
    former = EXAMPLES[CaseRated].model_dump(mode="json")
    former.pop("computed", None)
    assert CaseRated.model_validate(former).computed == []
