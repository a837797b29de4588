"""Applicants as the law allows: a person by a 12-digit ID number or a 9-digit CMND, an
organisation by its tax code where the procedure allows it, and an authorised representative."""

import json
from datetime import date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.domain.catalogue import Catalogue
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import ApplicantInput, Lookup, SubmitDossier
from services.intake.domain.errors import InvalidInput
from services.intake.domain.procedures import Procedure
from services.intake.domain.reception import AUTHORISATION
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR, LOCAL_TZ
from shared.clock import ManualClock
from shared.events.catalogue import CATALOGUE as CATALOGUE_OF_EVENTS
from shared.events.codec import encode, new_event
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import Applicant, ApplicantKind, CopyKind
from shared.forms import ReceiptForm
from shared.forms.examples import example_forms
from shared.forms.html import render_fragment
from shared.forms.numbering import FormKind
from shared.forms.values import ApplicantDetails
from tests.unit.intake_fakes import (
    CITIZEN_ID,
    DESK_CLERK,
    PROCEDURE,
    FakeCases,
    FakeSequences,
    FakeUnits,
    dossier,
)
from tests.unit.test_contracts import validator_of

pytestmark = pytest.mark.unit

CATALOGUE = load_catalogue()
OLD_ID = "186123456"
TAX_CODE = "2900325117"
BRANCH_TAX_CODE = "2900325117-001"
ORGANISATION = {
    "kind": "organisation",
    "name": "Công ty TNHH Dịch vụ Tang lễ Đại Đồng",
    "tax_code": TAX_CODE,
    "phone": "0915 844 123",
    "address": "Xóm 5, xã Đại Đồng, tỉnh Nghệ An",
}
REPRESENTATIVE = {
    "full_name": "Trần Văn Nam",
    "id_number": "040090004321",
    "phone": "0987 654 321",
    "authorisation": "certified_copy",
}


def person(**changes: Any) -> dict[str, Any]:
    return {**dossier()["applicant"], **changes}


def test_catalogue_procedures_take_individuals_unless_the_law_lets_organisations_apply() -> None:
    allowing = {p.code for p in CATALOGUE.procedures() if len(p.applicant_kinds) > 1}
    assert allowing == {"1.014199"}  # the employer asks for a foreign worker's work permit
    assert all(ApplicantKind.INDIVIDUAL in p.applicant_kinds for p in CATALOGUE.procedures())


def test_a_benefit_procedure_open_to_organisations_is_refused_as_data() -> None:
    benefit = next(p for p in CATALOGUE.procedures() if p.is_benefit).model_dump()
    with pytest.raises(ValidationError, match="organisations cannot apply"):
        Procedure.model_validate({**benefit, "applicant_kinds": ["individual", "organisation"]})


@pytest.mark.parametrize("number", [CITIZEN_ID, OLD_ID, f" {OLD_ID} "])
def test_a_person_is_identified_by_a_12_digit_id_or_a_9_digit_cmnd(number: str) -> None:
    applicant = ApplicantInput.model_validate(person(id_number=number))
    assert applicant.id_number == number.strip()


def test_the_former_name_citizen_id_is_still_read() -> None:
    body = {k: v for k, v in person().items() if k != "id_number"} | {"citizen_id": OLD_ID}
    assert ApplicantInput.model_validate(body).id_number == OLD_ID


@pytest.mark.parametrize("tax_code", [TAX_CODE, BRANCH_TAX_CODE])
def test_an_organisation_is_identified_by_its_tax_code(tax_code: str) -> None:
    applicant = ApplicantInput.model_validate({**ORGANISATION, "tax_code": tax_code})
    assert (applicant.kind, applicant.tax_code) == (ApplicantKind.ORGANISATION, tax_code)
    assert applicant.name_on_dossier == ORGANISATION["name"]


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        (person(id_number="04008500123"), "id_number", "12 chữ số, hoặc 9 chữ số"),
        (person(id_number="1861234567"), "id_number", "12 chữ số, hoặc 9 chữ số"),
        (person(id_number="18612345a"), "id_number", "12 chữ số, hoặc 9 chữ số"),
        (_without(person(), "id_number"), "id_number", "bắt buộc đối với cá nhân"),
        (_without(person(), "date_of_birth"), "date_of_birth", "bắt buộc đối với cá nhân"),
        (person(tax_code=TAX_CODE), "tax_code", "không dùng cho cá nhân"),
        ({**ORGANISATION, "tax_code": "290032511"}, "tax_code", "10 chữ số"),
        ({**ORGANISATION, "tax_code": "2900325117-01"}, "tax_code", "10 chữ số"),
        ({**ORGANISATION, "tax_code": "2900325117001"}, "tax_code", "10 chữ số"),
        (_without(ORGANISATION, "tax_code"), "tax_code", "bắt buộc đối với tổ chức"),
        (_without(ORGANISATION, "name"), "name", "bắt buộc đối với tổ chức"),
        ({**ORGANISATION, "id_number": CITIZEN_ID}, "id_number", "không dùng cho tổ chức"),
        ({**ORGANISATION, "kind": "company"}, "kind", "individual"),
    ],
)
def test_a_wrong_applicant_is_refused_naming_the_field_and_why(
    body: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        ApplicantInput.model_validate(body)
    [error] = refused.value.errors()
    assert (error["loc"], reason in error["msg"]) == ((field,), True)


def test_a_representative_brings_an_id_number_and_the_authorisation() -> None:
    base = dossier(representative=REPRESENTATIVE)
    assert SubmitDossier.model_validate(base).representative is not None
    for key, value in (("id_number", "12345"), ("authorisation", "copy")):
        bad = dossier(representative={**REPRESENTATIVE, key: value})
        with pytest.raises(ValidationError) as refused:
            SubmitDossier.model_validate(bad)
        assert [e["loc"] for e in refused.value.errors()] == [("representative", key)]


@pytest.mark.parametrize("number", [CITIZEN_ID, OLD_ID, TAX_CODE, BRANCH_TAX_CODE])
def test_the_lookup_takes_an_id_number_or_a_tax_code(number: str) -> None:
    assert Lookup(code="DAIDONG-250714-0001", id_number=number).id_number == number


# The last day an old chứng minh nhân dân was valid (Law on Identification 2023, art. 46), at a
# commune desk of that date.
CMND_STILL_VALID = datetime(2024, 12, 31, 16, tzinfo=LOCAL_TZ)
COMMUNE_IN_2024 = "TCH.THANHLAM"


def open_to_organisations(catalogue: Catalogue, code: str) -> Catalogue:
    """The catalogue with one procedure opened to organisations: a test entry, since no
    receivable procedure of the real data is."""
    procedures = [
        p.model_copy(update={"applicant_kinds": tuple(ApplicantKind)}) if p.code == code else p
        for p in catalogue.procedures()
    ]
    return Catalogue(procedures=procedures, agencies=catalogue.agencies())


async def receive(
    body: dict[str, Any],
    catalogue: Catalogue = CATALOGUE,
    at: datetime = datetime(2025, 7, 14, 9, tzinfo=LOCAL_TZ),
) -> CaseSubmitted:
    cases = FakeCases()
    clock = ManualClock(at)
    desk = Reception(catalogue, FakeUnits(cases), FakeSequences(), DEFAULT_CALENDAR, clock)
    await desk.submit(SubmitDossier.model_validate(body), None, DESK_CLERK)
    [event] = cases.published
    assert isinstance(event.data, CaseSubmitted)
    return event.data


async def test_an_organisation_is_refused_where_the_procedure_takes_individuals_only() -> None:
    with pytest.raises(InvalidInput) as refused:
        await receive(dossier(applicant=ORGANISATION))
    assert refused.value.field == "applicant.kind"
    assert refused.value.reason == f"Thủ tục {PROCEDURE} chỉ tiếp nhận hồ sơ của cá nhân"


async def test_an_organisation_is_received_where_the_procedure_allows_it() -> None:
    catalogue = open_to_organisations(CATALOGUE, PROCEDURE)
    submitted = await receive(dossier(applicant=ORGANISATION), catalogue)
    applicant = submitted.applicant
    assert (applicant.kind, applicant.full_name) == ("organisation", ORGANISATION["name"])
    assert (applicant.tax_code, applicant.citizen_id, applicant.date_of_birth) == (
        TAX_CODE,
        None,
        None,
    )
    assert applicant.identifier == TAX_CODE


async def test_a_9_digit_cmnd_goes_on_the_event_as_the_id_number() -> None:
    body = dossier(applicant=person(id_number=OLD_ID), agency_code=COMMUNE_IN_2024)
    submitted = await receive(body, at=CMND_STILL_VALID)
    assert (submitted.applicant.kind, submitted.applicant.citizen_id) == ("individual", OLD_ID)


@pytest.mark.parametrize("party", ["applicant", "representative"])
async def test_a_9_digit_cmnd_is_refused_from_2025_when_it_lapsed(party: str) -> None:
    old = (
        person(id_number=OLD_ID) if party == "applicant" else REPRESENTATIVE | {"id_number": OLD_ID}
    )
    with pytest.raises(InvalidInput) as refused:
        body = dossier(agency_code=COMMUNE_IN_2024, **{party: old})
        await receive(body, at=datetime(2025, 1, 2, 8, tzinfo=LOCAL_TZ))
    assert refused.value.field == f"{party}.id_number"
    assert "Luật Căn cước 2023, Điều 46" in refused.value.reason


async def test_a_representative_is_on_the_event_and_the_authorisation_among_documents() -> None:
    submitted = await receive(dossier(representative=REPRESENTATIVE))
    representative = submitted.representative
    assert representative is not None
    assert (representative.full_name, representative.citizen_id, representative.phone) == (
        "Trần Văn Nam",
        "040090004321",
        "+84987654321",
    )
    assert submitted.documents[-1].name == AUTHORISATION
    assert submitted.documents[-1].copy_kind is CopyKind.CERTIFIED_COPY
    # Messages go to the contact number given for the applicant, not to the representative.
    assert submitted.applicant.phone == "+84912345678"


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "organisation", "citizen_id": CITIZEN_ID, "tax_code": TAX_CODE},
        {"kind": "organisation", "tax_code": None},
        {"kind": "individual", "citizen_id": CITIZEN_ID, "tax_code": TAX_CODE},
        {"kind": "individual", "citizen_id": None},
    ],
)
def test_the_event_refuses_an_applicant_not_identified_as_its_kind(
    fields: dict[str, Any],
) -> None:
    base = {"full_name": "A", "phone": "+84912345678", "address": "B"}
    person_fields = {"citizen_id": CITIZEN_ID, "date_of_birth": "1958-03-21"}
    if fields["kind"] == "organisation":
        person_fields = {}
    with pytest.raises(ValidationError, match=r"an (individual|organisation) has"):
        Applicant.model_validate({**base, **person_fields, **fields})


def receipt_of(submitted: CaseSubmitted) -> str:
    form = example_forms(date(2025, 7, 14))[FormKind.RECEIPT]
    assert isinstance(form, ReceiptForm)
    applicant = ApplicantDetails.of(submitted.applicant, submitted.representative)
    return render_fragment(form.model_copy(update={"applicant": applicant}))


async def test_the_receipt_prints_an_organisation_with_its_tax_code() -> None:
    catalogue = open_to_organisations(CATALOGUE, PROCEDURE)
    page = receipt_of(await receive(dossier(applicant=ORGANISATION), catalogue))
    assert f"Mã số thuế: {TAX_CODE}" in page
    assert ORGANISATION["name"] in page and "Số định danh" not in page


async def test_the_receipt_prints_a_cmnd_and_the_representative_who_signs() -> None:
    body = dossier(
        applicant=person(id_number=OLD_ID),
        representative=REPRESENTATIVE,
        agency_code=COMMUNE_IN_2024,
    )
    page = receipt_of(await receive(body, at=CMND_STILL_VALID))
    assert f"Số chứng minh nhân dân: {OLD_ID}" in page
    assert "Người được ủy quyền nộp hồ sơ: <b>Trần Văn Nam</b>" in page
    assert "số định danh cá nhân: 040090004321" in page
    assert AUTHORISATION not in page  # the example's documents, not the case's
    signatures = page[page.index("NGƯỜI NỘP HỒ SƠ") :]
    assert "Trần Văn Nam" in signatures and "Nguyễn Thị Hoa" not in signatures


def test_the_published_schema_states_which_kind_has_which_number() -> None:
    (spec,) = CATALOGUE_OF_EVENTS.for_topic("case-submitted")
    example = EXAMPLES[CaseSubmitted]
    assert isinstance(example, CaseSubmitted)
    organisation = Applicant(
        kind=ApplicantKind.ORGANISATION,
        full_name=ORGANISATION["name"],
        tax_code=BRANCH_TAX_CODE,
        phone="+84915844123",
        address=ORGANISATION["address"],
    )
    event = json.loads(encode(new_event(example.model_copy(update={"applicant": organisation}))))
    validator = validator_of(spec)
    assert list(validator.iter_errors(event)) == []
    event["data"]["applicant"]["citizen_id"] = CITIZEN_ID
    assert not validator.is_valid(event)
    event["data"]["applicant"] |= {"kind": "individual", "date_of_birth": "1958-03-21"}
    assert not validator.is_valid(event)  # an individual with a tax code
    del event["data"]["applicant"]["tax_code"]
    assert validator.is_valid(event)
