"""The desk's later steps and the workflow's events, on a case stored in memory."""

import pytest

from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import RateService, ReceiveSupplement, SubmitDossier
from services.intake.domain.errors import Conflict, InvalidInput, NotFound
from services.intake.domain.rating import overall as judge
from services.intake.domain.status import CaseStatus
from services.intake.service_layer.cases import CaseDesk
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR
from shared.clock import ManualClock
from shared.events.codec import new_event
from shared.events.decisions import ProcessingStopped
from shared.events.intake import CaseRated, RatingIndicators, ResultReturned, SupplementReceived
from shared.events.values import CopyKind, DocumentItem
from shared.events.workflow import FeeRequested, Wait
from tests.unit.intake_fakes import (
    CITIZEN_ID,
    CONTACT,
    MISSING,
    FakeCases,
    FakeSequences,
    dossier,
    july,
    resolved,
    resumed,
    step_completed,
    supplement_requested,
)

pytestmark = pytest.mark.unit

CATALOGUE = load_catalogue()
ALL_GOOD = RatingIndicators(**dict.fromkeys(RatingIndicators.model_fields, 2))


@pytest.fixture
async def setup() -> tuple[CaseDesk, ManualClock, str]:
    """A case received on Monday 14/7/2025 at 9:00: five working days make it due Mon 21/7."""
    clock = ManualClock(july(14, 9))
    cases = FakeCases()
    reception = Reception(CATALOGUE, cases, FakeSequences(), DEFAULT_CALENDAR, clock)
    submitted = await reception.submit(SubmitDossier.model_validate(dossier()), None)
    return CaseDesk(cases, clock), clock, submitted.case.code


async def test_after_a_supplement_the_due_date_is_the_workflows(setup) -> None:
    desk, clock, code = setup
    await desk.track(new_event(supplement_requested(code, july(16, 10))))
    waiting = await desk.cases.get(code)
    assert waiting.status is CaseStatus.SUPPLEMENT_REQUESTED
    assert waiting.requested_documents == [MISSING]
    clock.set(july(21, 9))
    case = await desk.receive_supplement(code, ReceiveSupplement(documents=[MISSING]), "tn.lan")
    # The desk does not reckon deadlines: the due date stays until the workflow moves it.
    assert case.due_at == july(21, 17)
    assert case.status is CaseStatus.IN_PROGRESS
    assert isinstance(desk.cases.published[-1].data, SupplementReceived)
    # Waiting Thu 17, Fri 18 and Mon 21 (three working days) moves Mon 21/7 to Thu 24/7.
    event = new_event(resumed(code, Wait.SUPPLEMENT, july(21, 9), 3, july(21, 17), july(24, 17)))
    await desk.track(event)
    await desk.track(event)
    case = await desk.cases.get(code)
    assert (case.due_at, case.status) == (july(24, 17), CaseStatus.IN_PROGRESS)
    assert case.timeline[-1].note == (
        "Tiếp tục xử lý sau khi bổ sung hồ sơ, hẹn trả kết quả ngày 24/07/2025"
    )
    assert [e.event for e in case.timeline].count("processing-resumed") == 1
    assert len(desk.cases.published) == 2  # case-submitted and supplement-received only


async def test_a_paid_fee_resumes_processing_with_the_moved_due_date(setup) -> None:
    desk, _, code = setup
    fee = FeeRequested(
        case_code=code, amount_vnd=50_000, reason="Phí sao y, chứng thực", requested_at=july(15, 10)
    )
    await desk.track(new_event(fee))
    waiting = await desk.cases.get(code)
    assert waiting.status is CaseStatus.FEE_REQUESTED
    # Only the amount's thousands take dots; the text's own commas stay.
    assert waiting.timeline[-1].note == (
        "Yêu cầu nộp phí, lệ phí 50.000 đồng: Phí sao y, chứng thực"
    )
    await desk.track(
        new_event(resumed(code, Wait.FEE, july(17, 10), 2, july(21, 17), july(23, 17)))
    )
    case = await desk.cases.get(code)
    assert (case.due_at, case.status) == (july(23, 17), CaseStatus.IN_PROGRESS)
    assert case.timeline[-1].note.startswith("Tiếp tục xử lý sau khi nộp phí, lệ phí")


async def test_a_stale_resumption_neither_reopens_the_case_nor_moves_its_date_back(setup) -> None:
    desk, _, code = setup
    await desk.track(new_event(resolved(code, july(25, 10), july(28, 17))))
    late = resumed(code, Wait.FEE, july(17, 10), 2, july(21, 17), july(23, 17))
    await desk.track(new_event(late))
    case = await desk.cases.get(code)
    assert (case.status, case.due_at) == (CaseStatus.RESOLVED, july(28, 17))
    assert case.timeline[-1].event == "processing-resumed"


async def test_a_supplement_for_a_case_not_waiting_is_refused(setup) -> None:
    desk, _, code = setup
    with pytest.raises(Conflict):
        await desk.receive_supplement(code, ReceiveSupplement(documents=[MISSING]), "tn.lan")
    assert len(desk.cases.published) == 1


async def test_a_supplement_must_bring_what_was_requested(setup) -> None:
    desk, _, code = setup
    await desk.track(new_event(supplement_requested(code, july(16, 10))))
    other = DocumentItem(name="Sổ hộ khẩu", copy_kind=CopyKind.COPY, count=1)
    with pytest.raises(InvalidInput) as refused:
        await desk.receive_supplement(code, ReceiveSupplement(documents=[other]), "tn.lan")
    assert refused.value.field == "documents.0.name"


async def test_an_event_delivered_twice_is_applied_once(setup) -> None:
    desk, _, code = setup
    event = new_event(step_completed(code, july(15, 10)))
    await desk.track(event)
    await desk.track(event)
    case = await desk.cases.get(code)
    assert case.status is CaseStatus.IN_PROGRESS
    assert [e.event for e in case.timeline] == ["case-submitted", "step-completed"]


async def test_an_older_event_arriving_late_does_not_move_the_status_back(setup) -> None:
    desk, _, code = setup
    await desk.track(new_event(resolved(code, july(18, 10), july(21, 17))))
    await desk.track(new_event(step_completed(code, july(15, 10))))
    case = await desk.cases.get(code)
    assert case.status is CaseStatus.RESOLVED
    assert len(case.timeline) == 3


async def test_result_returned_after_resolution_then_one_rating(setup) -> None:
    desk, clock, code = setup
    with pytest.raises(Conflict):
        await desk.return_result(code, "tn.lan")
    await desk.track(new_event(resolved(code, july(18, 10), july(21, 17))))
    clock.set(july(18, 15))
    returned = await desk.return_result(code, "tn.lan")
    assert returned.status is CaseStatus.RESULT_RETURNED
    assert isinstance(desk.cases.published[-1].data, ResultReturned)
    with pytest.raises(Conflict, match="đã được trả"):
        await desk.return_result(code, "tn.lan")
    assert sum(isinstance(e.data, ResultReturned) for e in desk.cases.published) == 1
    rated = await desk.rate(code, CITIZEN_ID, RateService(indicators=ALL_GOOD))
    assert (rated.rating.total_points, rated.rating.overall) == (18, "very_satisfied")
    assert isinstance(desk.cases.published[-1].data, CaseRated)
    with pytest.raises(Conflict) as again:
        await desk.rate(code, CITIZEN_ID, RateService(indicators=ALL_GOOD))
    assert again.value.field == "rating"
    assert sum(isinstance(e.data, CaseRated) for e in desk.cases.published) == 1


async def test_only_the_applicant_can_rate(setup) -> None:
    desk, _, code = setup
    stop = ProcessingStopped(
        case_code=code,
        reason="Công dân đề nghị dừng",
        stopped_at=july(15, 9),
        stopped_by="ld.hung",
        applicant=CONTACT,
    )
    await desk.track(new_event(stop))
    with pytest.raises(NotFound):
        await desk.rate(code, "040085009999", RateService(indicators=ALL_GOOD))


@pytest.mark.parametrize(
    ("points", "overall"),
    [
        (0, "not_satisfied"),
        (8, "not_satisfied"),
        (9, "satisfied"),
        (13, "satisfied"),
        (14, "very_satisfied"),
    ],
)
def test_overall_satisfaction_follows_the_total(points: int, overall: str) -> None:
    names = list(RatingIndicators.model_fields)
    values = dict.fromkeys(names, 0)
    for i in range(points):
        values[names[i % 9]] += 1
    assert judge(RatingIndicators(**values)) == overall
