"""The workflow's forms (02, 04-07) of an organisation's case and of one a representative
submitted: the tax code where a person's ID number would be, the representative where form 01
prints it, as the shared macro does for every form; instances stored before either was kept
print as they did."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from services.workflow.adapters.repository import from_document, to_document
from services.workflow.domain import commands as c
from services.workflow.domain.instance import Instance
from services.workflow.service_layer import forms
from shared.events.intake import Representative
from shared.events.values import Applicant, ApplicantKind, CopyKind, DocumentItem
from shared.forms import render_html, render_pdf
from shared.mongo.transaction import VERSION
from tests.unit.test_workflow_support import CLERK, LEADER, SPECIALIST, act, at, opened

pytestmark = pytest.mark.unit

ORGANISATION = Applicant(
    kind=ApplicantKind.ORGANISATION,
    full_name="Công ty TNHH Cơ khí Hưng Nguyên",
    tax_code="2900325117-001",
    address="Số 8 đường Lê Hồng Phong, thành phố Vinh, Nghệ An",
    phone="+84912345678",
)
REPRESENTATIVE = Representative(
    full_name="Trần Văn Bình", citizen_id="040088001234", phone="+84987654321"
)
MISSING = DocumentItem(name="Giấy ủy quyền", copy_kind=CopyKind.ORIGINAL, count=1)
SUPPLEMENT = c.RequestSupplement(reasons=["Thiếu giấy ủy quyền"], missing_documents=[MISSING])


def text_of(html: str) -> str:
    """What the form says, without its markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())


def supplement_asked(instance: Instance) -> Instance:
    instance, _ = act(instance, c.Claim(), SPECIALIST, at(14, 4))
    instance, _ = act(instance, SUPPLEMENT, SPECIALIST, at(15))
    return instance


def stored(instance: Instance) -> Instance:
    """The instance as the repository gives it back."""
    return from_document({**to_document(instance), VERSION: 1}).instance


def test_the_case_record_keeps_the_organisation_and_its_representative() -> None:
    instance = stored(opened(applicant=ORGANISATION, representative=REPRESENTATIVE))
    assert instance.facts.applicant == ORGANISATION
    assert instance.facts.representative == REPRESENTATIVE


def test_form_02_prints_an_organisation_s_tax_code_and_its_representative() -> None:
    instance = supplement_asked(opened(applicant=ORGANISATION, representative=REPRESENTATIVE))
    text = pdf_text(render_pdf(forms.supplement_request_form(instance)))
    assert "Hồ sơ của: Công ty TNHH Cơ khí Hưng Nguyên" in text
    assert "Mã số thuế: 2900325117-001" in text
    assert (
        "Người được ủy quyền nộp hồ sơ: Trần Văn Bình, số định danh cá nhân: 040088001234, "
        "số điện thoại: +84987654321" in text
    )
    assert "Số định danh cá nhân" not in text  # the organisation has none


def test_form_02_prints_a_person_s_id_and_the_representative_who_submitted() -> None:
    instance = supplement_asked(opened(representative=REPRESENTATIVE))
    text = text_of(render_html(forms.supplement_request_form(instance)))
    person = instance.facts.applicant
    assert f"Số định danh cá nhân: {person.citizen_id}" in text
    assert "Mã số thuế" not in text
    assert "Người được ủy quyền nộp hồ sơ: Trần Văn Bình" in text


def test_forms_of_an_instance_stored_before_kinds_and_representatives_print_as_before() -> None:
    document = to_document(supplement_asked(opened()))
    del document["facts"]["applicant"]["kind"], document["facts"]["applicant"]["tax_code"]
    del document["facts"]["representative"]
    instance = from_document({**document, VERSION: 1}).instance
    assert instance.facts.applicant.kind is ApplicantKind.INDIVIDUAL
    text = text_of(render_html(forms.supplement_request_form(instance)))
    assert f"Số định danh cá nhân: {instance.facts.applicant.citizen_id}" in text
    assert "Mã số thuế" not in text and "Người được ủy quyền" not in text


def test_forms_04_to_07_address_an_organisation_by_its_name_without_a_person_s_number() -> None:
    case = opened(applicant=ORGANISATION, representative=REPRESENTATIVE)
    apology = c.Apologise(reason="Cần xác minh thêm", new_due_at=case.due_at + timedelta(days=7))
    apologised, _ = act(case, apology, LEADER, at(25))
    withdrawn, _ = act(case, c.RecordWithdrawal(requested_on=date(2025, 7, 15)), CLERK, at(15))
    printed = [
        forms.apology_form(apologised),
        forms.stop_notice_form(withdrawn),
        forms.control_slip_form(case),
        forms.tracking_book_form(
            case.facts.agency_name, [case], date(2025, 7, 1), date(2025, 7, 31)
        ),
    ]
    for form in printed:
        text = text_of(render_html(form))
        assert ORGANISATION.full_name in text, form.form_kind
        assert "định danh" not in text and "ông/bà " not in text, form.form_kind
