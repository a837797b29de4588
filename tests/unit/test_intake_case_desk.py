"""The desk's later steps and the workflow's events, on a case stored in memory.

That an event delivered twice is applied once is the consumer's work (its processed marks, in the
same transaction): see tests/integration/test_intake_tracking.py."""

from dataclasses import dataclass
from typing import NoReturn

import pytest

from services.intake.domain.case import Case
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import RateService, ReceiveSupplement, SubmitDossier
from services.intake.domain.errors import Conflict, InvalidInput, NotFound
from services.intake.domain.satisfaction import overall as judge
from services.intake.domain.status import CaseStatus
from services.intake.entrypoints.consumers import subscriptions
from services.intake.service_layer.cases import CaseDesk
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR
from shared.clock import ManualClock
from shared.events.codec import new_event
from shared.events.decisions import ProcessingStopped
from shared.events.envelope import Envelope
from shared.events.intake import CaseRated, RatingIndicators, ResultReturned, SupplementReceived
from shared.events.values import CopyKind, DocumentItem
from shared.events.workflow import FeeRequested, Wait
from shared.mongo import Conflict as StoreConflict
from tests.unit.intake_fakes import (
    CITIZEN_ID,
    CONTACT,
    DESK_CLERK,
    MISSING,
    FakeCases,
    FakeSequences,
    FakeUnits,
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


@dataclass
class Desk:
    desk: CaseDesk
    cases: FakeCases
    clock: ManualClock
    code: str

    async def track(self, event: Envelope) -> None:
        """As the consumer applies an event: in a unit of work of its own."""
        await self.desk.units.run(lambda cases: self.desk.track(cases, event))

    def case(self) -> Case:
        return self.cases.get(self.code)


@pytest.fixture
async def setup() -> Desk:
    """A case received on Monday 14/7/2025 at 9:00: five working days make it due Mon 21/7."""
    clock = ManualClock(july(14, 9))
    units = FakeUnits()
    reception = Reception(CATALOGUE, units, FakeSequences(), DEFAULT_CALENDAR, clock)
    submitted = await reception.submit(SubmitDossier.model_validate(dossier()), None, DESK_CLERK)
    return Desk(CaseDesk(units, clock), units.cases, clock, submitted.case.code)


async def test_after_a_supplement_the_due_date_is_the_workflows(setup: Desk) -> None:
    desk, code = setup.desk, setup.code
    await setup.track(new_event(supplement_requested(code, july(16, 10))))
    waiting = setup.case()
    assert waiting.status is CaseStatus.SUPPLEMENT_REQUESTED
    assert waiting.requested_documents == [MISSING]
    setup.clock.set(july(21, 9))
    case = await desk.receive_supplement(code, ReceiveSupplement(documents=[MISSING]), DESK_CLERK)
    # The desk does not reckon deadlines: the due date stays until the workflow moves it.
    assert case.due_at == july(21, 17)
    assert case.status is CaseStatus.IN_PROGRESS
    assert case.version == setup.case().version
    assert isinstance(setup.cases.published[-1].data, SupplementReceived)
    # Waiting Thu 17, Fri 18 and Mon 21 (three working days) moves Mon 21/7 to Thu 24/7.
    await setup.track(
        new_event(resumed(code, Wait.SUPPLEMENT, july(21, 9), 3, july(21, 17), july(24, 17)))
    )
    case = setup.case()
    assert (case.due_at, case.status) == (july(24, 17), CaseStatus.IN_PROGRESS)
    # The clerk's two actions are in the audit trail, with the changes they made; the workflow's
    # events are not officers' actions.
    assert setup.cases.audited == [
        ("tn.lan", "receive", code),
        ("tn.lan", "receive_supplement", code),
    ]
    assert case.timeline[-1].note == (
        "Tiếp tục xử lý sau khi bổ sung hồ sơ, hẹn trả kết quả ngày 24/07/2025"
    )
    assert len(setup.cases.published) == 2  # case-submitted and supplement-received only


async def test_a_paid_fee_resumes_processing_with_the_moved_due_date(setup: Desk) -> None:
    code = setup.code
    fee = FeeRequested(
        case_code=code, amount_vnd=50_000, reason="Phí sao y, chứng thực", requested_at=july(15, 10)
    )
    await setup.track(new_event(fee))
    waiting = setup.case()
    assert waiting.status is CaseStatus.FEE_REQUESTED
    # Only the amount's thousands take dots; the text's own commas stay.
    assert waiting.timeline[-1].note == (
        "Yêu cầu nộp phí, lệ phí 50.000 đồng: Phí sao y, chứng thực"
    )
    await setup.track(
        new_event(resumed(code, Wait.FEE, july(17, 10), 2, july(21, 17), july(23, 17)))
    )
    case = setup.case()
    assert (case.due_at, case.status) == (july(23, 17), CaseStatus.IN_PROGRESS)
    assert case.timeline[-1].note.startswith("Tiếp tục xử lý sau khi nộp phí, lệ phí")


async def test_a_stale_resumption_neither_reopens_the_case_nor_moves_its_date_back(
    setup: Desk,
) -> None:
    code = setup.code
    await setup.track(new_event(resolved(code, july(25, 10), july(28, 17))))
    late = resumed(code, Wait.FEE, july(17, 10), 2, july(21, 17), july(23, 17))
    await setup.track(new_event(late))
    case = setup.case()
    assert (case.status, case.due_at) == (CaseStatus.RESOLVED, july(28, 17))
    assert case.timeline[-1].event == "processing-resumed"


async def test_an_event_about_an_unknown_case_is_refused_and_stores_nothing(setup: Desk) -> None:
    before = dict(setup.cases.docs)
    with pytest.raises(NotFound):
        await setup.track(new_event(step_completed("DAIDONG-250714-9999", july(15, 10))))
    assert setup.cases.docs == before


async def test_the_consumer_subscribes_to_exactly_the_tracked_workflow_topics(setup: Desk) -> None:
    assert subscriptions(setup.desk).topics == (
        "appointment-rescheduled",
        "case-resolved",
        "case-withdrawn",
        "fee-requested",
        "payment-approved",
        "processing-resumed",
        "processing-stopped",
        "step-completed",
        "supplement-requested",
    )


async def test_a_supplement_for_a_case_not_waiting_is_refused(setup: Desk) -> None:
    with pytest.raises(Conflict):
        await setup.desk.receive_supplement(
            setup.code, ReceiveSupplement(documents=[MISSING]), DESK_CLERK
        )
    assert len(setup.cases.published) == 1
    assert setup.case().version == 1


async def test_a_supplement_must_bring_what_was_requested(setup: Desk) -> None:
    await setup.track(new_event(supplement_requested(setup.code, july(16, 10))))
    other = DocumentItem(name="Sổ hộ khẩu", copy_kind=CopyKind.COPY, count=1)
    with pytest.raises(InvalidInput) as refused:
        await setup.desk.receive_supplement(
            setup.code, ReceiveSupplement(documents=[other]), DESK_CLERK
        )
    assert refused.value.field == "documents.0.name"
    # Nothing stored half: the case still waits for the requested documents.
    assert setup.case().requested_documents == [MISSING]


async def test_an_older_event_arriving_late_does_not_move_the_status_back(setup: Desk) -> None:
    await setup.track(new_event(resolved(setup.code, july(18, 10), july(21, 17))))
    await setup.track(new_event(step_completed(setup.code, july(15, 10))))
    case = setup.case()
    assert case.status is CaseStatus.RESOLVED
    assert len(case.timeline) == 3


async def test_result_returned_after_resolution_then_one_rating(setup: Desk) -> None:
    desk, code, published = setup.desk, setup.code, setup.cases.published
    with pytest.raises(Conflict):
        await desk.return_result(code, DESK_CLERK)
    await setup.track(new_event(resolved(code, july(18, 10), july(21, 17))))
    setup.clock.set(july(18, 15))
    returned = await desk.return_result(code, DESK_CLERK)
    assert returned.status is CaseStatus.RESULT_RETURNED
    assert isinstance(published[-1].data, ResultReturned)
    with pytest.raises(Conflict, match="đã được trả"):
        await desk.return_result(code, DESK_CLERK)
    assert sum(isinstance(e.data, ResultReturned) for e in published) == 1
    rated = await desk.rate(code, CITIZEN_ID, RateService(indicators=ALL_GOOD))
    # Nine 2s typed, but the one-stop desk and publication indicators are computed: 1 each.
    assert (rated.rating.total_points, rated.rating.overall) == (16, "very_satisfied")
    assert isinstance(published[-1].data, CaseRated)
    with pytest.raises(Conflict) as again:
        await desk.rate(code, CITIZEN_ID, RateService(indicators=ALL_GOOD))
    assert again.value.field == "rating"
    assert sum(isinstance(e.data, CaseRated) for e in published) == 1


async def test_only_the_applicant_can_rate(setup: Desk) -> None:
    stop = ProcessingStopped(
        case_code=setup.code,
        reason="Công dân đề nghị dừng",
        stopped_at=july(15, 9),
        stopped_by="ld.hung",
        applicant=CONTACT,
    )
    await setup.track(new_event(stop))
    with pytest.raises(NotFound):
        await setup.desk.rate(setup.code, "040085009999", RateService(indicators=ALL_GOOD))


async def test_a_change_that_keeps_colliding_is_a_409_naming_the_case(setup: Desk) -> None:
    class Busy(FakeUnits):
        async def run(self, work: object) -> NoReturn:
            raise StoreConflict("cases: a document changed since it was read")

    desk = CaseDesk(Busy(setup.cases), setup.clock)
    with pytest.raises(Conflict) as refused:
        await desk.return_result(setup.code, DESK_CLERK)
    assert refused.value.field == "path.code"
    assert setup.code in refused.value.reason


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
