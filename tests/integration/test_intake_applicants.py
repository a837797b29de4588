"""Each kind of applicant through the intake's HTTP API on the real broker and store: a person by
a 9-digit CMND, an organisation by its tax code, a dossier submitted by an authorised
representative; the citizen's lookup by each number; bad input refused naming the field.

No receivable procedure of the catalogue takes organisations (see applicant_kinds in
services/intake/data/procedures.yaml), so the service runs on its catalogue with one test entry
changed: 1.001653 opened to organisations."""

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.intake.adapters.case_repository import CASES
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.reception import AUTHORISATION
from services.intake.settings import IntakeSettings
from shared.calendar import LOCAL_TZ
from shared.clock import ManualClock
from shared.events.envelope import Envelope
from shared.settings import ServiceSettings
from tests.integration.intake_support import intake_client, intake_settings, published
from tests.polling import eventually
from tests.tokens import bearer
from tests.unit.intake_fakes import CITIZEN_ID, PROCEDURE, dossier
from tests.unit.test_intake_applicants import (
    BRANCH_TAX_CODE,
    CMND_STILL_VALID,
    COMMUNE_IN_2024,
    OLD_ID,
    ORGANISATION,
    REPRESENTATIVE,
    open_to_organisations,
    person,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(datetime(2025, 7, 14, 9, tzinfo=LOCAL_TZ))


@pytest.fixture(scope="module")
def service_settings(settings: ServiceSettings) -> IntakeSettings:
    return intake_settings(settings)


@pytest.fixture(scope="module")
async def client(
    service_settings: IntakeSettings, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    catalogue = open_to_organisations(load_catalogue(), PROCEDURE)
    async with intake_client(service_settings, clock, catalogue) as client:
        yield client


@pytest.fixture(scope="module")
async def cases(service_settings: IntakeSettings) -> AsyncIterator[Any]:
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(service_settings.mongodb_uri)
    yield mongo[service_settings.mongodb_database][CASES]
    await mongo.close()


async def submit(client: httpx.AsyncClient, body: dict[str, Any]) -> str:
    # The desk of the dossier's agency receives it.
    clerk = bearer("reception_clerk", body["agency_code"])
    response = await client.post("/cases", json=body, headers=clerk)
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    return code


async def lookup(client: httpx.AsyncClient, code: str, number: str) -> httpx.Response:
    return await client.post("/lookup", json={"code": code, "id_number": number})


async def event_of(settings: ServiceSettings, code: str) -> Envelope[Any]:
    async def of_case() -> list[Envelope[Any]]:
        return [e for e in await published(settings, "case-submitted") if e.subject == code]

    [event] = await eventually(of_case, until=lambda found: len(found) == 1, what=code)
    return event


@pytest.fixture
def in_2024(clock: ManualClock) -> Iterator[None]:
    """The desk on the last day an old CMND was valid (it lapsed on 1/1/2025)."""
    now = clock.now()
    clock.set(CMND_STILL_VALID)
    yield
    clock.set(now)


async def test_a_9_digit_cmnd_is_refused_once_it_lapsed(client: httpx.AsyncClient) -> None:
    response = await client.post("/cases", json=dossier(applicant=person(id_number=OLD_ID)))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "applicant.id_number" and "Điều 46" in error["reason"]


@pytest.mark.usefixtures("in_2024")
async def test_a_person_with_a_9_digit_cmnd_is_received_and_looks_the_case_up(
    client: httpx.AsyncClient, service_settings: IntakeSettings
) -> None:
    body = dossier(applicant=person(id_number=OLD_ID), agency_code=COMMUNE_IN_2024)
    code = await submit(client, body)
    found = await lookup(client, code, OLD_ID)
    assert found.status_code == 200 and found.json()["code"] == code
    assert (await lookup(client, code, CITIZEN_ID)).status_code == 404
    applicant = (await event_of(service_settings, code)).data.applicant
    assert (applicant.kind, applicant.citizen_id) == ("individual", OLD_ID)


async def test_an_organisation_is_received_and_looks_the_case_up_by_its_tax_code(
    client: httpx.AsyncClient, service_settings: IntakeSettings
) -> None:
    body = dossier(applicant={**ORGANISATION, "tax_code": BRANCH_TAX_CODE})
    code = await submit(client, body)
    found = await lookup(client, code, BRANCH_TAX_CODE)
    assert found.status_code == 200 and found.json()["code"] == code
    assert (await lookup(client, code, BRANCH_TAX_CODE[:10])).status_code == 404
    applicant = (await event_of(service_settings, code)).data.applicant
    assert (applicant.kind, applicant.full_name) == ("organisation", ORGANISATION["name"])
    assert (applicant.tax_code, applicant.citizen_id) == (BRANCH_TAX_CODE, None)
    receipt = await client.get(f"/cases/{code}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")


async def test_a_representative_submits_for_the_applicant_who_alone_looks_it_up(
    client: httpx.AsyncClient, service_settings: IntakeSettings
) -> None:
    code = await submit(client, dossier(representative=REPRESENTATIVE))
    assert (await lookup(client, code, CITIZEN_ID)).status_code == 200
    assert (await lookup(client, code, REPRESENTATIVE["id_number"])).status_code == 404
    data = (await event_of(service_settings, code)).data
    assert data.representative.citizen_id == REPRESENTATIVE["id_number"]
    assert data.documents[-1].name == AUTHORISATION
    # Messages go to the contact number given for the applicant.
    assert data.applicant.phone == "+84912345678"


@pytest.mark.usefixtures("in_2024")
async def test_the_former_field_name_still_submits_and_looks_up(client: httpx.AsyncClient) -> None:
    applicant = {k: v for k, v in person().items() if k != "id_number"} | {"citizen_id": OLD_ID}
    code = await submit(client, dossier(applicant=applicant, agency_code=COMMUNE_IN_2024))
    found = await client.post("/lookup", json={"code": code, "citizen_id": OLD_ID})
    assert found.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (dossier(applicant=person(id_number="18612345")), "body.applicant.id_number"),
        (dossier(applicant={**ORGANISATION, "tax_code": "29003251"}), "body.applicant.tax_code"),
        (dossier(applicant={**ORGANISATION, "full_name": "An"}), "body.applicant.full_name"),
        (
            dossier(applicant={k: v for k, v in ORGANISATION.items() if k != "name"}),
            "body.applicant.name",
        ),
        (dossier(applicant=ORGANISATION, procedure_code="1.001699"), "applicant.kind"),
        (
            dossier(representative={**REPRESENTATIVE, "id_number": "1"}),
            "body.representative.id_number",
        ),
        (
            dossier(
                representative={k: v for k, v in REPRESENTATIVE.items() if k != "authorisation"}
            ),
            "body.representative.authorisation",
        ),
    ],
)
async def test_bad_applicants_are_refused_naming_the_field_and_nothing_is_stored(
    client: httpx.AsyncClient, cases: Any, body: dict[str, Any], field: str
) -> None:
    before = await cases.count_documents({})
    response = await client.post("/cases", json=body)
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["field"] == field and error["reason"]
    assert await cases.count_documents({}) == before


async def test_a_lookup_by_a_malformed_number_is_refused_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    response = await lookup(client, "DAIDONG-250714-0001", "29003251170")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["body.id_number"]
