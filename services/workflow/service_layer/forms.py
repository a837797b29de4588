"""The workflow's forms about a case, filled from its instance: 02, 04, 05, 06, and the book (07).

Each form reads what the instance recorded when the fact happened (the action's audit line, the
hand-offs), so a reprint shows the same document. ``shared.forms`` numbers and prints them.
"""

from datetime import date, datetime

from services.workflow.domain.errors import IllegalAction
from services.workflow.domain.instance import Instance
from services.workflow.domain.records import STATUS_NAMES, ActionRecord, Handoff, Status
from shared.calendar import local_date
from shared.forms import (
    ApologyForm,
    ControlSlipForm,
    StopNoticeForm,
    SupplementRequestForm,
    TrackingBookForm,
)
from shared.forms.values import ApplicantDetails, BookRow, HandoverRow, IssuingAgency, Party

# Every agency of the catalogue is in Nghệ An: the place name of the forms' date line.
LOCALITY = "Nghệ An"
DESK = "Bộ phận Một cửa"
WITHDRAWAL_REASON = "Người nộp hồ sơ đề nghị rút hồ sơ"


def issuer(i: Instance) -> IssuingAgency:
    return IssuingAgency(name=i.facts.agency_name, locality=LOCALITY)


def applicant(i: Instance) -> ApplicantDetails:
    return ApplicantDetails.of(i.facts.applicant, i.facts.representative)


def last_action(i: Instance, action: str, missing: str) -> ActionRecord:
    for record in reversed(i.history):
        if record.action == action:
            return record
    raise IllegalAction(missing)


def supplement_request_form(i: Instance) -> SupplementRequestForm:
    """Form 02, from the latest supplement request."""
    asked = last_action(i, "request_supplement", "hồ sơ chưa có yêu cầu bổ sung")
    documents = asked.details.get("missing_documents", [])
    return SupplementRequestForm(
        agency=issuer(i),
        case_code=i.case_code,
        applicant=applicant(i),
        procedure_name=i.facts.procedure_name,
        items=tuple(f"{d['name']} (số lượng: {d['count']})" for d in documents),
        reason="; ".join(asked.details.get("reasons", [])) or None,
        officer_name=asked.officer_id or DESK,
        issued_on=local_date(asked.at),
    )


def apology_form(i: Instance) -> ApologyForm:
    """Form 04, from the apology the leader signed."""
    signed = last_action(i, "apologise", "hồ sơ chưa có văn bản xin lỗi, hẹn lại")
    new = datetime.fromisoformat(signed.details["new_due_at"])
    # The appointment given at receipt: the one the apology moves (pauses aside).
    if i.original_due_at >= new:
        raise IllegalAction("ngày hẹn mới không sau ngày hẹn ban đầu")
    return ApologyForm(
        agency=issuer(i),
        applicant=applicant(i),
        procedure_name=i.facts.procedure_name,
        case_code=i.case_code,
        received_on=local_date(i.facts.received_at),
        original_appointment_at=i.original_due_at,
        reason=signed.details["reason"],
        new_appointment_at=new,
        signer_name=signed.officer_id,
        issued_on=local_date(signed.at),
    )


def stop_notice_form(i: Instance) -> StopNoticeForm:
    """Form 05: a leader's stop (status 8), or the applicant's withdrawal (status 7)."""
    if i.stopped_at is None or i.status not in (Status.STOPPED, Status.WITHDRAWN):
        raise IllegalAction("hồ sơ không dừng xử lý và không bị rút")
    requested_on: date | None = None
    if i.status is Status.WITHDRAWN:
        line = last_action(i, "record_withdrawal", "không có ghi nhận rút hồ sơ")
        reason = line.details.get("reason") or WITHDRAWAL_REASON
        requested_on = date.fromisoformat(line.details["requested_on"])
        signer = None
    else:
        line = last_action(i, "stop_processing", "không có quyết định dừng xử lý")
        reason, signer = line.details["reason"], line.officer_id
    return StopNoticeForm(
        agency=issuer(i),
        applicant=applicant(i),
        procedure_name=i.facts.procedure_name,
        case_code=i.case_code,
        received_at=i.facts.received_at,
        stopped_at=i.stopped_at,
        requested_on=requested_on,
        reasons=(reason,),
        signer_name=signer,
        issued_on=local_date(i.stopped_at),
    )


def control_slip_form(i: Instance) -> ControlSlipForm:
    """Form 06: every hand-over, giver and receiver (unit and officer), time, timeliness, notes."""
    return ControlSlipForm(
        agency=issuer(i),
        applicant=applicant(i),
        procedure_name=i.facts.procedure_name,
        case_code=i.case_code,
        received_at=i.facts.received_at,
        appointment_at=i.appointment_at,
        lead_agency=i.facts.agency_name,
        rows=tuple(handover_row(i, n, row) for n, row in enumerate(i.handoffs)),
    )


def handover_row(i: Instance, n: int, row: Handoff) -> HandoverRow:
    giver_agency = row.agency.name if row.agency else i.facts.agency_name
    giver = Party(unit=f"{giver_agency}: {row.step_name}", person=row.assignee)
    return HandoverRow(
        giver=giver,
        receiver=receiver(i, n, row),
        at=row.completed_at,
        timeliness=row.timeliness,
        notes=row.note or note_of(i, row),
    )


def note_of(i: Instance, row: Handoff) -> str | None:
    """The note the officer gave with the action that closed the step, as the audit trail keeps
    it: for rows stored before hand-offs kept notes, and actions that do not pass it on."""
    for record in i.history:
        if record.at == row.completed_at and record.officer_id == row.assignee:
            note = record.details.get("note")
            return str(note) if note else None
    return None


def receiver(i: Instance, n: int, row: Handoff) -> Party:
    """Who took the dossier on: the next step's unit, and its officer once known (the one who
    worked it, or holds it now)."""
    following = next((s for s in i.steps if s.id == row.next_step_id), None)
    if following is None:
        return Party(unit=f"{DESK}, {i.facts.agency_name} (trả kết quả)")
    agency = row.next_agency.name if row.next_agency else i.facts.agency_name
    later = i.handoffs[n + 1] if n + 1 < len(i.handoffs) else None
    person = later.assignee if later is not None else i.assignee
    return Party(unit=f"{agency}: {following.name}", person=person)


def tracking_book_form(
    agency_name: str, cases: list[Instance], start: date, end: date
) -> TrackingBookForm:
    """Form 07: the agency's dossiers received from ``start`` to ``end`` (inclusive)."""
    rows = sorted(
        (book_row(i) for i in cases if start <= local_date(i.facts.received_at) <= end),
        key=lambda row: row.received_at,
    )
    return TrackingBookForm(
        agency=IssuingAgency(name=agency_name, locality=LOCALITY),
        period_start=start,
        period_end=end,
        rows=tuple(rows),
    )


def book_row(i: Instance) -> BookRow:
    a = i.facts.applicant
    first = i.handoffs[0].completed_at if i.handoffs else None
    return BookRow(
        case_code=i.case_code,
        procedure_name=i.facts.procedure_name,
        applicant_name=a.full_name,
        applicant_contact=f"{a.address}; {a.phone}",
        lead_agency=i.facts.agency_name,
        received_at=i.facts.received_at,
        appointment_at=i.appointment_at,
        transferred_at=first,
        result_received_at=i.resolved_at,
        notes=STATUS_NAMES[i.status],
    )
