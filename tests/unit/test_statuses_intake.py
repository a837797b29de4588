"""Statuses 1, 2, 3 and 7 at the desk, and a citizen timeline that never goes backwards."""

from datetime import date, timedelta

import pytest

from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import RefuseDossier, SubmitDossier
from services.intake.domain.errors import Conflict
from services.intake.domain.status import CaseStatus
from services.intake.entrypoints.views import LookupView
from services.intake.service_layer.cases import CaseDesk
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR
from shared.clock import ManualClock
from shared.events.codec import new_event
from shared.events.decisions import CaseWithdrawn, PaymentApproved, PaymentPeriod
from shared.events.envelope import EventData
from shared.events.intake import CaseRefused, CaseSubmitted
from shared.events.values import Beneficiary
from tests.unit.intake_fakes import (
    CONTACT,
    DESK_CLERK,
    PORTAL,
    FakeSequences,
    FakeUnits,
    dossier,
    july,
    resolved,
    step_completed,
)

pytestmark = pytest.mark.unit

CATALOGUE = load_catalogue()


async def online_case() -> tuple[CaseDesk, FakeUnits, ManualClock, str]:
    clock = ManualClock(july(14, 9))
    units = FakeUnits()
    reception = Reception(CATALOGUE, units, FakeSequences(), DEFAULT_CALENDAR, clock)
    cmd = SubmitDossier.model_validate(dossier(channel="online"))
    submission = await reception.submit(cmd, "k-1", PORTAL)
    return CaseDesk(units, clock), units, clock, submission.case.code


async def track(desk: CaseDesk, units: FakeUnits, data: EventData) -> None:
    """As the consumer applies an event: in a unit of work of its own."""
    event = new_event(data)
    await units.run(lambda cases: desk.track(cases, event))


async def test_an_online_dossier_waits_at_status_1_and_publishes_nothing() -> None:
    _, units, _, code = await online_case()
    case = units.cases.get(code)
    assert case.status is CaseStatus.NEWLY_REGISTERED
    assert units.cases.published == []
    assert [e.status for e in case.timeline] == [CaseStatus.NEWLY_REGISTERED]


async def test_acceptance_receives_it_at_2_and_counts_time_from_then() -> None:
    desk, units, clock, code = await online_case()
    clock.set(july(16, 10))  # two days after the portal filed it
    case = await desk.accept(code, DESK_CLERK)
    assert case.status is CaseStatus.RECEIVED
    [event] = units.cases.published
    assert isinstance(event.data, CaseSubmitted)
    assert event.data.received_at == event.time == july(16, 10)
    assert event.data.received_by == "tn.lan"
    # Five working days from Wednesday 16/7: due Wednesday 23/7, not Monday 21/7.
    assert event.data.due_at == case.due_at == july(23, 17)
    assert event.data.due_at.utcoffset() == event.data.received_at.utcoffset() == timedelta(0)
    with pytest.raises(Conflict):
        await desk.accept(code, DESK_CLERK)


async def test_refusal_gives_3_with_its_record_and_event() -> None:
    desk, units, clock, code = await online_case()
    clock.set(july(14, 11))
    reasons = ["Thủ tục không thuộc thẩm quyền của Ủy ban nhân dân xã"]
    case = await desk.refuse(code, RefuseDossier(reasons=reasons), DESK_CLERK)
    assert case.status is CaseStatus.NOT_RECEIVED
    assert case.refusal is not None and case.refusal.reasons == reasons
    assert case.refusal.refused_by == "tn.lan" and case.refusal.refused_at == july(14, 11)
    [event] = units.cases.published
    assert isinstance(event.data, CaseRefused) and event.time == july(14, 11)
    with pytest.raises(Conflict):
        await desk.accept(code, DESK_CLERK)


async def test_a_withdrawal_gives_7_not_8() -> None:
    desk, units, _, code = await online_case()
    await desk.accept(code, DESK_CLERK)
    withdrawn = CaseWithdrawn(
        case_code=code,
        requested_on=date(2025, 7, 15),
        withdrawn_at=july(15, 10),
        recorded_by="tn.lan",
        applicant=CONTACT,
    )
    await track(desk, units, withdrawn)
    assert units.cases.get(code).status is CaseStatus.WITHDRAWN


async def test_a_payment_decided_before_the_hand_over_reads_no_regression() -> None:
    """9 -> 4 -> 9 was shown: the payment (decided at 10:00) took the status of the hand-over."""
    desk, units, _, code = await online_case()
    await desk.accept(code, DESK_CLERK)
    handover = july(17, 15)
    payment = PaymentApproved(
        case_code=code,
        decision_number="123/QĐ-UBND",
        beneficiary=Beneficiary(full_name="Nguyễn Thị Hoa", citizen_id="040085001234"),
        programme_code="TC",
        amount_vnd=1_000_000,
        period=PaymentPeriod(label="Một lần"),
        approved_at=july(17, 10),
        agency_code="DAIDONG",
        procedure_code="1.001653",
        applicant=CONTACT,
    )
    # As the topics deliver them: the resolution first, the steps and the payment after.
    arrivals: list[EventData] = [
        resolved(code, handover, july(21, 9)),
        step_completed(code, july(15, 9)),
        payment,
        step_completed(code, handover),
    ]
    for data in arrivals:
        await track(desk, units, data)
    view = LookupView.of(units.cases.get(code))
    times = [entry.at for entry in view.timeline]
    codes = [entry.status.code for entry in view.timeline]
    assert times == sorted(times)
    assert codes == [1, 2, 4, 4, 9, 9]
    assert view.status.code == 9


def test_the_refusal_command_needs_a_reason() -> None:
    with pytest.raises(ValueError):
        RefuseDossier(reasons=[])
