"""The forms' inputs: dated numbering, the union the renderers accept, escaping of user text."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from shared.forms import FORM_ADAPTER, Form, FormKind, NumberingError, render_html, render_pdf
from shared.forms.examples import case_facts, control_slip, example_forms, receipt, tracking_book
from shared.forms.numbering import default_rules, form_number, parse_rules
from shared.forms.values import ApplicantDetails

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("day", "number", "source"),
    [
        (date(2018, 6, 21), "05", "Thông tư 01/2018/TT-VPCP"),  # Decree 61/2018 in force
        (date(2019, 1, 6), "05", "Thông tư 01/2018/TT-VPCP"),
        (date(2025, 7, 1), "05", "Thông tư 01/2018/TT-VPCP"),  # Decree 118, before its circular
        (date(2025, 9, 14), "05", "Thông tư 01/2018/TT-VPCP"),
        (date(2025, 9, 15), "06", "Thông tư 03/2025/TT-VPCP"),
        (date(2031, 1, 1), "06", "Thông tư 03/2025/TT-VPCP"),
    ],
)
def test_the_control_slip_number_follows_the_regime_of_the_date(
    day: date, number: str, source: str
) -> None:
    printed = form_number(FormKind.CONTROL_SLIP, day)
    assert (printed.number, printed.source) == (number, source)
    assert printed.label == f"Mẫu số {number} - {source}"


def test_the_2018_regime_has_no_stop_notice_form() -> None:
    printed = form_number(FormKind.STOP_NOTICE, date(2019, 5, 2))
    assert printed.number is None
    assert printed.label is None
    assert printed.title == "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"


def test_no_numbering_is_invented_before_the_2018_regime() -> None:
    with pytest.raises(NumberingError, match="2018-06-21"):
        form_number(FormKind.RECEIPT, date(2018, 6, 20))


def test_every_regime_numbers_each_number_once_and_cites_a_source() -> None:
    for regime in default_rules().regimes:
        numbers = [entry.number for entry in regime.forms.values() if entry.number]
        assert len(numbers) == len(set(numbers)), regime.id
        assert regime.source
        assert regime.legal_effective_from >= regime.effective_from


def test_a_rules_file_missing_a_form_is_rejected() -> None:
    text = """
regimes:
  - id: partial
    short_source: "Thông tư X"
    effective_from: 2020-01-01
    legal_effective_from: 2020-01-01
    source: ["somewhere"]
    verified: false
    forms:
      receipt: {number: "01", title: "GIẤY TIẾP NHẬN"}
"""
    with pytest.raises(ValidationError, match="lacks"):
        parse_rules(text)


def test_the_union_parses_each_form_from_json_by_its_kind() -> None:
    for kind, form in example_forms(date(2025, 10, 20)).items():
        parsed = FORM_ADAPTER.validate_json(form.model_dump_json())
        assert parsed == form
        assert parsed.form_kind is kind


def test_an_unknown_form_kind_is_rejected() -> None:
    data = receipt(case_facts(date(2025, 10, 20))).model_dump(mode="json")
    data["form_kind"] = "receipt_v2"
    with pytest.raises(ValidationError):
        FORM_ADAPTER.validate_python(data)


def test_a_receipt_cannot_promise_a_result_before_reception() -> None:
    facts = case_facts(date(2025, 10, 20))
    data = receipt(facts).model_dump()
    data["appointment_at"] = facts.received - timedelta(hours=1)
    with pytest.raises(ValidationError, match="before received_at"):
        FORM_ADAPTER.validate_python(data)


def test_control_slip_rows_must_be_in_time_order() -> None:
    slip = control_slip(case_facts(date(2025, 10, 20)))
    data = slip.model_dump()
    data["rows"] = list(reversed(data["rows"]))
    with pytest.raises(ValidationError, match="chronological"):
        FORM_ADAPTER.validate_python(data)


def test_the_tracking_book_lists_only_dossiers_received_in_its_period() -> None:
    book = tracking_book(case_facts(date(2025, 10, 20)))
    data = book.model_dump()
    data["period_start"] = date(2025, 10, 21)
    with pytest.raises(ValidationError, match="not received in the period"):
        FORM_ADAPTER.validate_python(data)


HOSTILE = 'Lê <script>alert("x")</script> & <b>Cường</b>'


@pytest.mark.parametrize("kind", list(FormKind))
def test_html_escapes_what_users_typed(kind: FormKind) -> None:
    form = _with_hostile_text(kind)
    page = render_html(form)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;Cường&lt;/b&gt;" in page


def test_the_pdf_prints_what_users_typed_literally() -> None:
    form = _with_hostile_text(FormKind.RECEIPT)
    reader = PdfReader(BytesIO(render_pdf(form)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert '<script>alert("x")</script> & <b>Cường</b>' in text


def _with_hostile_text(kind: FormKind) -> Form:
    """The example with the applicant's name (the book: its notes) set to markup."""
    form = example_forms(date(2025, 10, 20))[kind]
    if kind is FormKind.TRACKING_BOOK:
        data = form.model_dump()
        data["rows"][0]["applicant_name"] = HOSTILE
        return FORM_ADAPTER.validate_python(data)
    applicant = ApplicantDetails(full_name=HOSTILE)
    return form.model_copy(update={"applicant": applicant})
