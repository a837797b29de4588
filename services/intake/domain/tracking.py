"""How each workflow event changes the citizen's view of a case."""

from collections.abc import Callable
from typing import Any

from services.intake.domain.case import Case
from services.intake.domain.status import CaseStatus
from shared.calendar import local_date
from shared.events.decisions import (
    AppointmentRescheduled,
    CaseResolved,
    CaseWithdrawn,
    Outcome,
    PaymentApproved,
    ProcessingStopped,
)
from shared.events.envelope import EventData
from shared.events.workflow import (
    FeeRequested,
    ProcessingResumed,
    StepCompleted,
    SupplementRequested,
    Wait,
)

# A completed step puts the case back in progress. Not out of a final status: the last step
# completes at the very instant the case is resolved. Nor out of a supplement wait, which the desk
# itself ends. A fee wait shows only while its ``processing-resumed`` is still on its way, since no
# step completes during one.
_RESUMABLE = frozenset({CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.FEE_REQUESTED})


def step_completed(case: Case, data: StepCompleted) -> None:
    # Judged at the step's own time: a step that arrives after a later change (another topic's
    # event overtook it) labels its entry without moving the case back.
    note = f"Hoàn thành bước: {data.step.step_name}"
    in_effect = case.status_in_effect(data.completed_at)
    status = CaseStatus.IN_PROGRESS if in_effect in _RESUMABLE else None
    case.record(data.completed_at, status, note, "step-completed")
    # Satisfaction's indicator 2 (time at each unit) scores the slowest hand-over.
    case.step_timeliness.append(data.timeliness)


def supplement_requested(case: Case, data: SupplementRequested) -> None:
    reasons = "; ".join(data.reasons)
    case.record(
        data.requested_at,
        CaseStatus.SUPPLEMENT_REQUESTED,
        f"Yêu cầu bổ sung hồ sơ: {reasons}",
        "supplement-requested",
    )
    case.requested_documents = list(data.missing_documents)


def fee_requested(case: Case, data: FeeRequested) -> None:
    note = f"Yêu cầu nộp phí, lệ phí {_vnd(data.amount_vnd)}: {data.reason}"
    case.record(data.requested_at, CaseStatus.FEE_REQUESTED, note, "fee-requested")


_RESUMED_AFTER = {Wait.SUPPLEMENT: "bổ sung hồ sơ", Wait.FEE: "nộp phí, lệ phí"}


def processing_resumed(case: Case, data: ProcessingResumed) -> None:
    # The workflow owns deadlines. Its due dates only move later, so a later date already
    # known (a newer resumption, or an apology's new appointment) is kept.
    case.due_at = max(case.due_at, data.due_at)
    due = local_date(case.due_at).strftime("%d/%m/%Y")
    note = f"Tiếp tục xử lý sau khi {_RESUMED_AFTER[data.wait]}, hẹn trả kết quả ngày {due}"
    case.record(data.resumed_at, CaseStatus.IN_PROGRESS, note, "processing-resumed")


def appointment_rescheduled(case: Case, data: AppointmentRescheduled) -> None:
    case.due_at = data.new_due_at
    note = f"Xin lỗi và hẹn lại ngày trả kết quả: {data.reason}"
    case.record(data.issued_at, None, note, "appointment-rescheduled")


def processing_stopped(case: Case, data: ProcessingStopped) -> None:
    note = f"Dừng xử lý hồ sơ: {data.reason}"
    case.record(data.stopped_at, CaseStatus.PROCESSING_STOPPED, note, "processing-stopped")


def case_withdrawn(case: Case, data: CaseWithdrawn) -> None:
    note = "Công dân rút hồ sơ" + (f": {data.reason}" if data.reason else "")
    case.record(data.withdrawn_at, CaseStatus.WITHDRAWN, note, "case-withdrawn")


def case_resolved(case: Case, data: CaseResolved) -> None:
    # The workflow's due date is the one the case was measured against, pauses included.
    case.due_at = data.due_at
    verdict = "chấp thuận" if data.outcome is Outcome.APPROVED else "không chấp thuận"
    note = f"Đã giải quyết ({verdict}), văn bản số {data.decision_number}"
    case.record(data.resolved_at, CaseStatus.RESOLVED, note, "case-resolved")


def payment_approved(case: Case, data: PaymentApproved) -> None:
    note = f"Quyết định chi trả số {data.decision_number}: {_vnd(data.amount_vnd)}"
    case.record(data.approved_at, None, note, "payment-approved")


def _vnd(amount: int) -> str:
    """Vietnamese style: dots group the thousands (50.000 đồng)."""
    return f"{amount:,} đồng".replace(",", ".")


TRACKERS: dict[type[EventData], Callable[[Case, Any], None]] = {
    StepCompleted: step_completed,
    SupplementRequested: supplement_requested,
    FeeRequested: fee_requested,
    ProcessingResumed: processing_resumed,
    AppointmentRescheduled: appointment_rescheduled,
    ProcessingStopped: processing_stopped,
    CaseWithdrawn: case_withdrawn,
    CaseResolved: case_resolved,
    PaymentApproved: payment_approved,
}
