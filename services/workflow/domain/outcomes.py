"""How a case ends or is delayed: apology (form 04), stop (form 05), decision, hand-over."""

from datetime import datetime

from services.workflow.domain import commands as c
from services.workflow.domain.errors import Forbidden, IllegalAction, InvalidInput
from services.workflow.domain.instance import Instance, Rules
from services.workflow.domain.payments import decided_amount
from services.workflow.domain.processes import StepAction
from services.workflow.domain.records import OPEN_STATUSES, Decision, PaymentTerms, Status
from services.workflow.domain.steps import forward, hand_on, require_role, take_step
from shared.calendar import classify_timeliness, local_date
from shared.events.decisions import (
    AppointmentRescheduled,
    CaseResolved,
    Outcome,
    PaymentApproved,
    PaymentPeriod,
    ProcessingStopped,
)
from shared.events.envelope import EventData
from shared.events.values import Beneficiary
from shared.officers import Officer, OfficerRole


def apologise(
    i: Instance, cmd: c.Apologise, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    require_role(who, {OfficerRole.LEADER}, "ký văn bản xin lỗi, hẹn lại")
    i.require(OPEN_STATUSES, "xin lỗi, hẹn lại")
    if i.apology_issued_at is not None:
        raise IllegalAction("hồ sơ đã có văn bản xin lỗi, hẹn lại (chỉ một lần)")
    # A wait stops the clock, so a case waiting for the applicant is late only if its due date
    # had passed when the wait began (the due date itself moves only when the wait ends).
    clock_stopped_at = i.open_pause.since if i.open_pause is not None else now
    if clock_stopped_at > i.due_at:
        raise IllegalAction("đã quá hạn giải quyết: phải xin lỗi, hẹn lại trước khi đến hạn")
    if cmd.new_due_at <= i.appointment_at:
        raise InvalidInput("ngày hẹn mới phải sau ngày hẹn hiện tại", field="new_due_at")
    previous, i.appointment_at, i.apology_issued_at = i.appointment_at, cmd.new_due_at, now
    return [
        AppointmentRescheduled(
            case_code=i.case_code,
            reason=cmd.reason,
            previous_due_at=previous,
            new_due_at=cmd.new_due_at,
            issued_at=now,
            signed_by=who.id,
            applicant=i.contact,
        )
    ]


def stop(
    i: Instance, cmd: c.StopProcessing, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    require_role(who, {OfficerRole.LEADER}, "dừng xử lý")
    i.require(OPEN_STATUSES, "dừng xử lý")
    if (current := i.open_pause) is not None:
        i.pauses[-1] = current.model_copy(update={"until": now})
    i.status, i.stopped_at = Status.STOPPED, now
    return [
        ProcessingStopped(
            case_code=i.case_code,
            reason=cmd.reason,
            stopped_at=now,
            stopped_by=who.id,
            applicant=i.contact,
        )
    ]


def payment_terms(
    i: Instance, given: c.PaymentInput | None, now: datetime, rules: Rules
) -> PaymentTerms:
    given = given or c.PaymentInput()
    code = given.programme_code or i.facts.payment_programme
    if code is None:
        raise InvalidInput(
            "hồ sơ không gắn với chương trình chi trả nào", field="payment.programme_code"
        )
    programme = rules.programmes.get(code)
    if programme is None:
        raise InvalidInput(
            f"chương trình {code} không có trong danh mục chương trình chi trả",
            field="payment.programme_code",
        )
    amount = decided_amount(
        programme,
        amount_vnd=given.amount_vnd,
        option=given.option,
        quantity=given.quantity,
        on=local_date(now),
    )
    applicant = i.facts.applicant
    # Intake's catalogue lets only people apply for a benefit: the applicant has an ID number.
    assert applicant.citizen_id is not None, "an organisation applied for a benefit"
    beneficiary = given.beneficiary or Beneficiary(
        full_name=applicant.full_name, citizen_id=applicant.citizen_id
    )
    period = given.period or PaymentPeriod(label=programme.period_label)
    return PaymentTerms(
        programme_code=code, beneficiary=beneficiary, amount_vnd=amount, period=period
    )


def require_separate_duties(i: Instance, who: Officer) -> None:
    """Separation of duties: who received the dossier or worked a step of it does not decide it."""
    if who.id == i.facts.received_by:
        raise Forbidden(
            "nguyên tắc phân tách nhiệm vụ: người tiếp nhận hồ sơ không được phê duyệt hồ sơ đó"
        )
    if any(handoff.assignee == who.id for handoff in i.handoffs):
        raise Forbidden(
            "nguyên tắc phân tách nhiệm vụ: người đã xử lý hồ sơ không được phê duyệt hồ sơ đó"
        )


def decide(
    i: Instance, cmd: c.Decide, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    take_step(i, who, StepAction.DECIDE, "ra quyết định")
    require_separate_duties(i, who)
    payment = None
    if cmd.outcome is Outcome.APPROVED and i.facts.is_benefit:
        payment = payment_terms(i, cmd.payment, now, rules)
    elif cmd.payment is not None:
        raise InvalidInput(
            "chỉ hồ sơ hưởng chính sách được phê duyệt mới có nội dung chi trả", field="payment"
        )
    i.decision = Decision(
        outcome=cmd.outcome,
        number=cmd.decision_number,
        decided_by=who.id,
        decided_at=now,
        payment=payment,
    )
    # An interlinked case goes back to the receiving desk here: that hand-over is published.
    return hand_on(i, who, now)


def hand_over(
    i: Instance, cmd: c.HandOver, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    take_step(i, who, StepAction.RETURN, "chuyển kết quả về Bộ phận một cửa")
    decision = i.decision
    if decision is None:
        raise IllegalAction("chưa có quyết định để chuyển kết quả")
    events: list[EventData] = [forward(i, who, now, cmd.note)]
    i.status, i.resolved_at = Status.RESOLVED, now
    used = rules.calendar.working_days_between(i.facts.received_at, now) - i.paused_working_days
    events.append(
        CaseResolved(
            case_code=i.case_code,
            outcome=decision.outcome,
            decision_number=decision.number,
            resolved_at=now,
            due_at=i.due_at,
            working_days_used=max(used, 0),
            timeliness=classify_timeliness(now, i.due_at),
            agency_code=i.facts.agency_code,
            procedure_code=i.facts.procedure_code,
            applicant=i.contact,
            # As the applicant chose at receipt: notify words the result message by it.
            result_delivery=i.facts.result_delivery,
        )
    )
    if decision.payment is not None:
        events.append(payment_approved(i, decision))
    return events


def payment_approved(i: Instance, decision: Decision) -> PaymentApproved:
    terms = decision.payment
    assert terms is not None
    return PaymentApproved(
        case_code=i.case_code,
        decision_number=decision.number,
        beneficiary=terms.beneficiary,
        programme_code=terms.programme_code,
        amount_vnd=terms.amount_vnd,
        period=terms.period,
        approved_at=decision.decided_at,
        agency_code=i.facts.agency_code,
        procedure_code=i.facts.procedure_code,
        applicant=i.contact,
    )
