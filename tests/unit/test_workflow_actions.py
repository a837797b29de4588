"""Officer actions on a processing instance: the happy path, waits, apologies, refusals."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.workflow.domain import commands as c
from services.workflow.domain.errors import Forbidden, IllegalAction, InvalidInput
from services.workflow.domain.instance import Instance
from services.workflow.domain.records import Status
from services.workflow.domain.waits import supplement_arrived
from shared.events.decisions import CaseResolved, Outcome, PaymentApproved
from shared.events.values import CopyKind, DocumentItem, Timeliness
from shared.events.workflow import DeadlineThreshold, ProcessingResumed, StepCompleted, Wait
from shared.officers import Officer, OfficerRole
from tests.unit.test_workflow_support import (
    AGENCY,
    CLERK,
    DUE,
    LEADER,
    MANAGER,
    OTHER_SPECIALIST,
    RULES,
    SPECIALIST,
    act,
    at,
    officer,
    opened,
    supplement,
)

pytestmark = pytest.mark.unit

APPROVE = c.Decide(outcome=Outcome.APPROVED, decision_number="1234/QĐ-SNV")
MISSING = DocumentItem(name="Giấy báo tử liệt sĩ", copy_kind=CopyKind.CERTIFIED_COPY, count=1)
SUPPLEMENT = c.RequestSupplement(reasons=["Thiếu giấy báo tử"], missing_documents=[MISSING])


def through_review(instance: Instance, day: int = 15) -> Instance:
    instance, _ = act(instance, c.CompleteStep(), SPECIALIST, at(day))
    instance, _ = act(instance, c.CompleteStep(), SPECIALIST, at(day, 5))
    return instance


def resolve(instance: Instance, day: int, month: int = 7) -> list:
    instance, _ = act(instance, APPROVE, LEADER, at(day, 4, month))
    _, events = act(instance, c.HandOver(), CLERK, at(day, 5, month))
    return events


def test_steps_then_approval_resolve_the_case_early_with_a_payment_decision() -> None:
    events = resolve(through_review(opened()), 18)
    step, resolved, payment = events
    assert isinstance(step, StepCompleted) and step.next_step is None
    assert isinstance(resolved, CaseResolved)
    assert (resolved.outcome, resolved.timeliness) == (Outcome.APPROVED, Timeliness.EARLY)
    assert resolved.working_days_used == 4  # 15, 16, 17, 18 July
    assert resolved.due_at == DUE
    assert isinstance(payment, PaymentApproved)
    assert (payment.programme_code, payment.amount_vnd) == ("TC_THO_CUNG_LS", 1_400_000)
    assert payment.beneficiary.citizen_id == "040185001234"
    assert payment.decision_number == "1234/QĐ-SNV"


def test_resolution_on_the_due_day_is_on_time_and_after_it_late() -> None:
    on_due_day = resolve(through_review(opened()), 28)[1]
    late = resolve(through_review(opened()), 29)[1]
    assert on_due_day.timeliness is Timeliness.ON_TIME
    assert late.timeliness is Timeliness.LATE


def test_each_hand_off_is_a_row_of_the_control_slip_with_its_own_timeliness() -> None:
    instance, events = act(opened(), c.CompleteStep(note="Đủ điều kiện"), SPECIALIST, at(17))
    assert events[0].timeliness is Timeliness.LATE  # the first step was due on 16 July
    instance, events = act(instance, c.CompleteStep(), SPECIALIST, at(18))
    assert events[0].timeliness is Timeliness.EARLY
    row = instance.handoffs[0]
    assert (row.step_id, row.assignee, row.next_step_id) == ("xac-nhan-xa", "cv.minh", "tham-dinh")
    assert instance.status is Status.IN_PROGRESS and instance.assignee is None


def test_a_rejection_is_resolved_without_a_payment() -> None:
    instance = through_review(opened())
    instance, _ = act(
        instance, c.Decide(outcome=Outcome.REJECTED, decision_number="12/TB-SNV"), LEADER, at(16)
    )
    _, events = act(instance, c.HandOver(), CLERK, at(17))
    assert [type(e) for e in events] == [StepCompleted, CaseResolved]
    assert events[1].outcome is Outcome.REJECTED


def test_an_explicit_amount_option_and_beneficiary_shape_the_payment() -> None:
    instance = through_review(opened(payment_programme="HO_TRO_NHA_O_NCC"))
    decide = APPROVE.model_copy(update={"payment": c.PaymentInput(option="sua-chua")})
    instance, _ = act(instance, decide, LEADER, at(16))
    _, events = act(instance, c.HandOver(), CLERK, at(17))
    assert events[-1].amount_vnd == 20_000_000
    assert events[-1].period.label == "Một lần"


def test_a_supplement_wait_moves_the_due_date_by_the_paused_working_days() -> None:
    instance, _ = act(opened(), c.Claim(), SPECIALIST, at(14, 4))
    instance, events = act(instance, SUPPLEMENT, SPECIALIST, at(15))  # Tuesday
    assert instance.status is Status.SUPPLEMENT_REQUESTED
    assert events[0].remaining_working_days == 9
    instance, events = supplement_arrived(instance, supplement(at(21)), RULES)
    assert instance.status is Status.IN_PROGRESS
    assert instance.due_at == datetime(2025, 8, 1, 10, tzinfo=UTC)
    # Monday: 16, 17, 18 and 21 July paused, so the 28 July due date moves four working days.
    assert events == [
        ProcessingResumed(
            case_code=instance.case_code,
            resumed_at=at(21),
            wait=Wait.SUPPLEMENT,
            paused_working_days=4,
            previous_due_at=DUE,
            due_at=datetime(2025, 8, 1, 10, tzinfo=UTC),
            resumed_by=CLERK.id,
        )
    ]
    assert instance.step_due[0] == datetime(2025, 7, 22, 10, tzinfo=UTC)
    resolved = resolve(through_review(instance, 22), 31)[1]
    assert resolved.working_days_used == 13 - 4  # 15 July to 31 July less the wait
    assert resolved.timeliness is Timeliness.EARLY


def test_a_supplement_nobody_waits_for_is_refused() -> None:
    with pytest.raises(IllegalAction, match="không chờ bổ sung hồ sơ"):
        supplement_arrived(opened(), supplement(at(15)), RULES)


def test_a_fee_wait_ends_when_the_desk_records_the_payment() -> None:
    instance, _ = act(opened(), c.Claim(), SPECIALIST, at(14, 4))
    instance, events = act(
        instance, c.RequestFee(amount_vnd=50_000, reason="Phí sao y"), SPECIALIST, at(15)
    )
    assert instance.status is Status.FEE_REQUESTED and events[0].amount_vnd == 50_000
    with pytest.raises(IllegalAction, match="không chờ bổ sung hồ sơ"):
        supplement_arrived(instance, supplement(at(16)), RULES)
    instance, events = act(instance, c.RecordFeePayment(receipt_number="BL-0001"), CLERK, at(16))
    assert instance.status is Status.IN_PROGRESS
    assert instance.due_at == datetime(2025, 7, 29, 10, tzinfo=UTC)
    [resumed] = events
    assert isinstance(resumed, ProcessingResumed)
    assert (resumed.wait, resumed.paused_working_days, resumed.resumed_by) == (
        Wait.FEE,
        1,
        "tn.lan",
    )
    assert (resumed.previous_due_at, resumed.due_at) == (DUE, instance.due_at)


@pytest.mark.parametrize("amount", [-5, 0, 1.5, "50000", True])
def test_a_negative_or_fractional_fee_is_invalid_input(amount: object) -> None:
    with pytest.raises(ValidationError):
        c.RequestFee(amount_vnd=amount, reason="Phí")


def test_an_apology_sets_a_new_appointment_once_before_the_due_date() -> None:
    new_date = datetime(2025, 8, 4, 10, tzinfo=UTC)
    apology = c.Apologise(reason="Cần xác minh thêm", new_due_at=new_date)
    with pytest.raises(Forbidden):
        act(opened(), apology, SPECIALIST, at(25))
    with pytest.raises(InvalidInput, match="sau ngày hẹn hiện tại"):
        act(opened(), apology.model_copy(update={"new_due_at": DUE}), LEADER, at(25))
    with pytest.raises(IllegalAction, match="quá hạn"):
        act(opened(), apology, LEADER, at(29))
    instance, events = act(opened(), apology, LEADER, at(25))
    assert (events[0].previous_due_at, events[0].new_due_at) == (DUE, new_date)
    assert instance.appointment_at == new_date and instance.due_at == DUE
    with pytest.raises(IllegalAction, match="đã có văn bản xin lỗi"):
        act(
            instance,
            apology.model_copy(update={"new_due_at": datetime(2025, 8, 8, tzinfo=UTC)}),
            LEADER,
            at(26),
        )


def test_a_case_waiting_for_a_supplement_is_not_late_for_an_apology() -> None:
    apology = c.Apologise(reason="Cần xác minh thêm", new_due_at=datetime(2025, 8, 20, tzinfo=UTC))
    instance, _ = act(opened(), c.Claim(), SPECIALIST, at(14, 4))
    waiting, _ = act(instance, SUPPLEMENT, SPECIALIST, at(15))
    # 29 July is past the stored due date, but the clock has stood still since 15 July.
    apologised, events = act(waiting, apology, LEADER, at(29))
    assert apologised.apology_issued_at == at(29) and events[0].previous_due_at == DUE
    waiting_too_late, _ = act(instance, SUPPLEMENT, SPECIALIST, at(29))
    with pytest.raises(IllegalAction, match="quá hạn"):
        act(waiting_too_late, apology, LEADER, at(30))


def test_a_stopped_case_takes_no_further_action() -> None:
    instance, events = act(opened(), c.StopProcessing(reason="Người nộp rút hồ sơ"), LEADER, at(15))
    assert instance.status is Status.STOPPED and events[0].stopped_by == "ld.hung"
    for command, who in [(c.Claim(), SPECIALIST), (c.StopProcessing(reason="x"), LEADER)]:
        with pytest.raises(IllegalAction, match="trạng thái 8"):
            act(instance, command, who, at(16))


def test_roles_and_assignments_guard_each_step() -> None:
    instance, _ = act(opened(), c.Claim(), SPECIALIST, at(14, 4))
    with pytest.raises(IllegalAction, match="bạn đã nhận"):
        act(instance, c.Claim(), SPECIALIST, at(14, 5))
    with pytest.raises(Forbidden, match=r"đã giao cho cv\.minh"):
        act(instance, c.CompleteStep(), OTHER_SPECIALIST, at(14, 5))
    with pytest.raises(Forbidden, match="do Chuyên viên thực hiện"):
        act(instance, c.Claim(), CLERK, at(14, 5))
    with pytest.raises(Forbidden, match="chỉ Lãnh đạo, Quản lý"):
        act(instance, c.Assign(assignee="cv.thu"), SPECIALIST, at(14, 5))
    instance, _ = act(instance, c.Assign(assignee="cv.thu"), MANAGER, at(14, 5))
    instance, _ = act(instance, c.CompleteStep(), OTHER_SPECIALIST, at(14, 6))
    with pytest.raises(IllegalAction, match="không thể ra quyết định ở bước"):
        act(instance, APPROVE, LEADER, at(14, 7))


def test_a_decision_needs_its_step_its_number_and_a_fixable_amount() -> None:
    with pytest.raises(IllegalAction, match="không thể ra quyết định ở bước"):
        act(opened(), APPROVE, LEADER, at(15))
    with pytest.raises(ValidationError):
        c.Decide(outcome=Outcome.APPROVED, decision_number="")
    instance = through_review(opened(payment_programme="UNKNOWN_PROGRAMME"))
    with pytest.raises(InvalidInput, match="không có trong danh mục") as refused:
        act(instance, APPROVE, LEADER, at(16))
    assert refused.value.field == "payment.programme_code"
    with pytest.raises(Forbidden):
        act(through_review(opened()), APPROVE, SPECIALIST, at(16))
    with pytest.raises(IllegalAction, match="không thể chuyển kết quả"):
        act(through_review(opened()), c.HandOver(), CLERK, at(16))


def test_the_deadline_watch_warns_once_per_threshold_and_never_while_waiting() -> None:
    instance = opened()
    assert instance.deadline_warning(at(24)) is None
    first = instance.deadline_warning(at(25, 11))  # one working day before Monday's due time
    assert first is not None and first.threshold is DeadlineThreshold.DUE_SOON
    assert instance.deadline_warning(at(25, 12)) is None
    overdue = instance.deadline_warning(at(28, 11))
    assert overdue is not None and overdue.threshold is DeadlineThreshold.OVERDUE
    assert instance.deadline_warning(at(29)) is None
    waiting, _ = act(opened(), c.Claim(), SPECIALIST, at(14, 4))
    waiting, _ = act(waiting, SUPPLEMENT, SPECIALIST, at(15))
    assert waiting.deadline_warning(at(30)) is None


def test_officers_act_only_on_cases_of_their_agency() -> None:
    stranger = officer("cv.khac", OfficerRole.SPECIALIST, agency="UBND.KHAC")
    with pytest.raises(Forbidden, match="không thuộc cơ quan của bạn"):
        act(opened(), c.Claim(), stranger, at(14, 4))
    admin = officer("qt.an", OfficerRole.ADMIN, agency="UBND.KHAC")
    with pytest.raises(Forbidden, match="do Chuyên viên thực hiện"):
        act(opened(), c.Claim(), admin, at(14, 4))


def test_who_received_or_processed_a_case_does_not_decide_it() -> None:
    both = Officer(
        id="cv.minh",
        name="cv.minh",
        roles=frozenset({OfficerRole.SPECIALIST, OfficerRole.LEADER}),
        agency=AGENCY,
    )
    reviewed = through_review(opened())  # reviewed by cv.minh
    with pytest.raises(Forbidden, match="phân tách nhiệm vụ: người đã xử lý"):
        act(reviewed, APPROVE, both, at(16))
    received = through_review(opened(received_by="ld.hung"))
    with pytest.raises(Forbidden, match="phân tách nhiệm vụ: người tiếp nhận"):
        act(received, APPROVE, LEADER, at(16))
    decided, _ = act(reviewed, APPROVE, LEADER, at(16))
    assert decided.decision is not None and decided.decision.decided_by == "ld.hung"
