"""Status 7 (the applicant's withdrawal) apart from 8 (a stop), and forms 02, 04-07 of a case."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from services.workflow.domain import commands as c
from services.workflow.domain.errors import Forbidden, IllegalAction
from services.workflow.domain.records import Status
from services.workflow.service_layer import forms
from shared.events.decisions import CaseWithdrawn, Outcome, ProcessingStopped
from shared.events.values import CopyKind, DocumentItem
from shared.forms import render_html, render_pdf
from tests.unit.test_workflow_support import (
    CLERK,
    LEADER,
    SPECIALIST,
    act,
    at,
    opened,
)

pytestmark = pytest.mark.unit

WITHDRAW = c.RecordWithdrawal(requested_on=date(2025, 7, 15), reason="Gia đình chuyển nơi ở")
MISSING = DocumentItem(name="Giấy báo tử liệt sĩ", copy_kind=CopyKind.CERTIFIED_COPY, count=1)


def test_the_desk_records_a_withdrawal_as_status_7() -> None:
    instance, events = act(opened(), WITHDRAW, CLERK, at(15))
    assert instance.status is Status.WITHDRAWN
    [event] = events
    assert isinstance(event, CaseWithdrawn)
    assert (event.withdrawn_at, event.recorded_by) == (at(15), CLERK.id)
    assert event.requested_on == date(2025, 7, 15)


def test_a_withdrawal_ends_a_supplement_wait_and_nothing_follows_it() -> None:
    instance, _ = act(opened(), c.Claim(), SPECIALIST, at(14, 4))
    supplement = c.RequestSupplement(reasons=["Thiếu giấy tờ"], missing_documents=[MISSING])
    instance, _ = act(instance, supplement, SPECIALIST, at(15))
    instance, _ = act(instance, WITHDRAW, CLERK, at(16))
    assert instance.pauses[-1].until == at(16)
    with pytest.raises(IllegalAction):
        act(instance, c.StopProcessing(reason="Không đủ điều kiện"), LEADER, at(17))
    with pytest.raises(IllegalAction):
        act(instance, WITHDRAW, CLERK, at(17))


def test_only_the_desk_records_a_withdrawal_and_a_leaders_stop_stays_8() -> None:
    with pytest.raises(Forbidden):
        act(opened(), WITHDRAW, LEADER, at(15))
    instance, events = act(opened(), c.StopProcessing(reason="Hồ sơ giả mạo"), LEADER, at(15))
    assert instance.status is Status.STOPPED
    assert isinstance(events[0], ProcessingStopped)


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_form_05_tells_a_withdrawal_from_a_stop() -> None:
    withdrawn, _ = act(opened(), WITHDRAW, CLERK, at(15))
    stopped, _ = act(opened(), c.StopProcessing(reason="Hồ sơ giả mạo"), LEADER, at(15))
    withdrawal_text = render_html(forms.stop_notice_form(withdrawn))
    assert "Gia đình chuyển nơi ở" in withdrawal_text and "15/07/2025" in withdrawal_text
    assert "Hồ sơ giả mạo" in render_html(forms.stop_notice_form(stopped))
    with pytest.raises(IllegalAction):
        forms.stop_notice_form(opened())


def test_form_02_lists_what_the_specialist_asked_for() -> None:
    instance, _ = act(opened(), c.Claim(), SPECIALIST, at(14, 4))
    supplement = c.RequestSupplement(
        reasons=["Bản sao chưa chứng thực"], missing_documents=[MISSING]
    )
    instance, _ = act(instance, supplement, SPECIALIST, at(15))
    text = text_of(render_pdf(forms.supplement_request_form(instance)))
    for expected in ("Giấy báo tử liệt sĩ", "Bản sao chưa chứng thực", SPECIALIST.id):
        assert expected in text
    with pytest.raises(IllegalAction):
        forms.supplement_request_form(opened())


def test_form_04_carries_the_new_appointment() -> None:
    new_due = opened().due_at + timedelta(days=7)
    apology = c.Apologise(reason="Cần xác minh thêm", new_due_at=new_due)
    instance, _ = act(opened(), apology, LEADER, at(25))
    html = render_html(forms.apology_form(instance))
    assert "Cần xác minh thêm" in html and "04/08/2025" in html


def test_form_06_names_giver_receiver_time_timeliness_and_notes_of_every_hand_over() -> None:
    instance, _ = act(opened(), c.CompleteStep(note="Đủ điều kiện"), SPECIALIST, at(15))
    instance, _ = act(instance, c.Claim(), SPECIALIST, at(16))
    instance, _ = act(instance, c.CompleteStep(), SPECIALIST, at(17))
    approve = c.Decide(outcome=Outcome.APPROVED, decision_number="12/QĐ-SNV")
    instance, _ = act(instance, approve, LEADER, at(18))
    instance, _ = act(instance, c.HandOver(note="Đã ký"), CLERK, at(18, 6))
    form = forms.control_slip_form(instance)
    assert len(form.rows) == len(instance.handoffs) == 4
    first, second = form.rows[0], form.rows[1]
    assert first.giver.person == SPECIALIST.id and first.receiver.person == SPECIALIST.id
    assert first.notes == "Đủ điều kiện" and first.at == at(15)
    assert second.receiver.person == LEADER.id
    assert form.rows[-1].receiver.person is None  # the result goes back to the desk
    text = text_of(render_pdf(form))
    for expected in ("Đủ điều kiện", "Đã ký", LEADER.id, "Trước hạn"):
        assert expected in text


def test_form_07_lists_the_agencys_cases_of_the_period_only() -> None:
    inside = opened()
    outside = opened(case_code="SNV.NA-250801-0001", received_at=at(1, 3, month=8))
    book = forms.tracking_book_form(
        "Sở Nội vụ tỉnh Nghệ An", [inside, outside], date(2025, 7, 1), date(2025, 7, 31)
    )
    assert [row.case_code for row in book.rows] == [inside.case_code]
    assert inside.case_code in text_of(render_pdf(book))
