"""Each service's HTTP API against its own OpenAPI document, property-based (schemathesis).

The four services run as real uvicorn processes on the real servers. A few dossiers are received
first, so that the generated requests reach real cases (half of the case codes drawn are theirs)
and real deliveries, not only 404s. Every request carries a valid token of an officer holding
every role at the cases' agency (an administrator among them, who sees all agencies).

Every schemathesis check is on: no 5xx, statuses and content types and headers as documented,
bodies matching their schemas, input the schema forbids refused, input it allows accepted,
tokens not ignored, unsupported methods answered 405 with ``Allow``, answers within the request
timeout. A 422 for input the schema allows is accepted only where the refusal rests on stored data
no schema can hold (``DATA_RULES``); JSON's 2.0 is an integer, as JSON Schema says. The run
is bounded (25 examples an operation, a fixed seed): about two minutes on two cores.

The same running services serve ``/docs``: Swagger UI, in headless Chromium, draws every operation
of each document and loads nothing but the service's own files.
"""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis import Case, HookContext
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from devstack.sinks.running import RunningSinks, running_sinks
from services.intake.entrypoints.app import create_app as create_intake
from services.notify.entrypoints.app import create_app as create_notify
from services.reporting.entrypoints.app import create_app as create_reporting
from services.workflow.entrypoints.app import create_app as create_workflow
from shared.auth import mint_token
from shared.http.openapi import SECURITY_SCHEME
from shared.settings import ServiceSettings
from tests.e2e.running_services import running_services
from tests.integration.chromium_cdp import chromium_page
from tests.polling import eventually
from tests.tokens import bearer

pytestmark = pytest.mark.integration

PROCEDURE = "1.014027"  # a benefit procedure received at communes
APPLICANT = {
    "full_name": "Nguyễn Thị Hương Giang",
    "citizen_id": "040152406813",
    "date_of_birth": "1952-08-17",
    "phone": "0912 406 813",
    "email": "giang.nguyenthihuong@example.vn",
    "address": "Xóm Đồng Bản, xã Đại Đồng, tỉnh Nghệ An",
}
# Every role an officer can hold, but the portal's (it may file online dossiers only).
ALL_ROLES = ("reception_clerk", "specialist", "leader", "clerical_officer", "manager", "admin")
SEED = 20250714
MAX_EXAMPLES = 25
# A printed form's PDF takes seconds of CPU; a loaded machine, a few more.
REQUEST_TIMEOUT_S = 30
DOSSIERS = 3
# A loaded machine's store can take a while over the first transactions.
SETUP_TIMEOUT_S = 180.0
AGENCY = "BICHHAO"  # the first commune in the catalogue receiving PROCEDURE

# Operations whose 422 for schema-valid input rests on data the schema cannot hold: the
# catalogue's documents per procedure, the case's state and dates, the programmes' rates.
DATA_RULES: dict[str, list[str]] = {
    "intake": [
        # the procedure's documents, the agency's level, the date of birth, the applicant's kind, a
        # CMND only before 2025
        "POST /cases",
        "POST /cases/{code}/supplements",  # only the documents the supplement request named
        # the catalogue, agencies and calendar of each entry's date, its legal time, the entries
        # already recorded
        "POST /register-entries",
    ],
    "workflow": [
        "POST /cases/{code}/apology",  # the new appointment after the current one
        "POST /cases/{code}/decision",  # the programme's rate at the decision's date
        "GET /cases/tracking-book",  # `to` not before `from`, no form before 21/6/2018
    ],
    "reporting": [
        # `to` not before `from`, `from` not after today; codes that are in the reports' data
        "GET /reports/one-stop",
        "GET /reports/payments",
        "GET /reports/satisfaction",
        "GET /reports/service-quality",
    ],
}


# Days and instants drawn within the years the services take (1900-2100, as the documents say):
# drawing from years 1-9999 and discarding most would starve the generator.
schemathesis.openapi.format(
    "date", st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat)
)
schemathesis.openapi.format(
    "date-time",
    st.datetimes(datetime(1900, 1, 2), datetime(2100, 12, 30), timezones=st.just(UTC)).map(
        datetime.isoformat
    ),
)


@pytest.fixture(scope="module")
async def sinks(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSinks]:
    async with running_sinks(tmp_path_factory.mktemp("sinks")) as sinks:
        yield sinks


class Seeded:
    """The running services and what was received before the run."""

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.case_codes: list[str] = []
        self.delivery_ids: list[str] = []
        self.procedure_codes: list[str] = []

    def known(self, path: str) -> dict[str, list[str]]:
        """Values that exist, by path parameter, for the operation at ``path``."""
        if path.startswith("/procedures/"):
            return {"code": self.procedure_codes}
        if "{delivery_id}" in path:
            return {"delivery_id": self.delivery_ids}
        if "{code}" in path:
            return {"code": self.case_codes}
        return {}


# Filled by the ``system`` fixture before the first request is generated.
SEEDED = Seeded()


@pytest.fixture(scope="module")
async def system(
    settings: ServiceSettings, sinks: RunningSinks, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Seeded]:
    logs = tmp_path_factory.mktemp("logs")
    async with (
        running_services(settings, sinks, logs) as urls,
        httpx.AsyncClient(timeout=60) as http,
    ):
        intake = urls["intake"]
        procedure = (await http.get(f"{intake}/procedures/{PROCEDURE}")).json()
        agencies = (await http.get(f"{intake}/agencies")).json()
        agency = next(a for a in agencies if a["level"] in procedure["receiving_levels"])["code"]
        assert agency == AGENCY, "the first commune receiving the procedure changed"
        seeded = SEEDED
        seeded.urls = urls
        procedures = (await http.get(f"{intake}/procedures")).json()
        seeded.procedure_codes = [p["code"] for p in procedures]
        clerk = bearer("reception_clerk", agency, "sc.clerk")
        dossier = {
            "procedure_code": PROCEDURE,
            "agency_code": agency,
            "channel": "direct",
            "applicant": APPLICANT,
            "documents": [
                {"key": d["key"], "kind": d["kind"], "count": d["count"]}
                for d in procedure["documents"]
                if d["required"]
            ],
        }
        for number in range(DOSSIERS):
            # A retry with the same key gets the same case: a slow store costs no duplicate.
            headers = {**clerk, "Idempotency-Key": f"contract-{settings.topic_prefix}{number}"}
            response = await eventually(
                lambda headers=headers: _post(http, f"{intake}/cases", dossier, headers),
                what="a dossier received",
                timeout_s=SETUP_TIMEOUT_S,
            )
            assert response.status_code in (200, 201), response.text
            seeded.case_codes.append(response.json()["code"])
        officer = {"Authorization": f"Bearer {token(AGENCY)}"}
        for code in seeded.case_codes:

            async def in_workflow(code: str = code) -> bool:
                response = await http.get(f"{urls['workflow']}/cases/{code}", headers=officer)
                return response.status_code == 200

            async def deliveries(code: str = code) -> list[dict[str, Any]]:
                url = f"{urls['notify']}/cases/{code}/deliveries"
                return list((await http.get(url, headers=officer)).json())

            await eventually(in_workflow, what=f"{code} in the workflow", timeout_s=SETUP_TIMEOUT_S)
            await eventually(deliveries, what=f"deliveries of {code}", timeout_s=SETUP_TIMEOUT_S)
            seeded.delivery_ids.extend(d["id"] for d in await deliveries())
        yield seeded


async def _post(
    http: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response | None:
    try:
        return await http.post(url, json=body, headers=headers)
    except httpx.TimeoutException:
        return None


def token(agency: str) -> str:
    return mint_token("sc.officer", ALL_ROLES, agency, name="Schemathesis", ttl_s=3600)


def contract(service: str, app: FastAPI) -> OpenApiSchema:
    """The document the service serves (its app's, built here without servers) and the run's
    settings: seed, examples, the officer's token, which statuses ``DATA_RULES`` allows."""
    document = app.openapi()
    config: dict[str, Any] = {
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        # Every check, the response time's too (bounded like the requests themselves).
        "checks": {"enabled": True, "max_response_time": REQUEST_TIMEOUT_S},
        "operations": [
            {
                "include-name": label,
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                    }
                },
            }
            for label in DATA_RULES.get(service, [])
        ],
    }
    if SECURITY_SCHEME in document.get("components", {}).get("securitySchemes", {}):
        config["auth"] = {"openapi": {SECURITY_SCHEME: {"bearer": token(AGENCY)}}}
    schema = schemathesis.openapi.from_dict(document, config=SchemathesisConfig.from_dict(config))

    @schema.hook
    def flatmap_path_parameters(
        context: HookContext, path_parameters: dict[str, Any]
    ) -> st.SearchStrategy[dict[str, Any]]:
        """Half the time, a case, procedure or delivery that exists instead of the drawn one."""
        known = SEEDED.known(context.operation.path if context.operation else "")
        if not known:
            return st.just(path_parameters)
        replaced = st.fixed_dictionaries(
            {
                **{name: st.just(value) for name, value in path_parameters.items()},
                **{name: st.sampled_from(values) for name, values in known.items()},
            }
        )
        return st.one_of(st.just(path_parameters), replaced)

    return schema


SCHEMAS = {
    "intake": contract("intake", create_intake()),
    "workflow": contract("workflow", create_workflow()),
    "notify": contract("notify", create_notify()),
    "reporting": contract("reporting", create_reporting()),
}


def check(service: str, system: Seeded, case: Case) -> None:
    case.call_and_validate(base_url=system.urls[service], timeout=REQUEST_TIMEOUT_S)


@SCHEMAS["intake"].parametrize()
def test_intake_answers_as_documented(system: Seeded, case: Case) -> None:
    check("intake", system, case)


@SCHEMAS["workflow"].parametrize()
def test_workflow_answers_as_documented(system: Seeded, case: Case) -> None:
    check("workflow", system, case)


@SCHEMAS["notify"].parametrize()
def test_notify_answers_as_documented(system: Seeded, case: Case) -> None:
    check("notify", system, case)


@SCHEMAS["reporting"].parametrize()
def test_reporting_answers_as_documented(system: Seeded, case: Case) -> None:
    check("reporting", system, case)


# Each operation Swagger UI drew, as "METHOD /path" (one drawn under several tags counts once).
DRAWN = """[...new Set([...document.querySelectorAll('.opblock')].map(block =>
    block.querySelector('.opblock-summary-method').textContent + ' ' +
    block.querySelector('.opblock-summary-path').dataset.path))]"""


@pytest.mark.parametrize("service", list(SCHEMAS))
async def test_the_docs_page_renders_from_the_service_alone(system: Seeded, service: str) -> None:
    """Swagger UI draws every operation of the document, loading nothing from elsewhere."""
    url = system.urls[service]
    document = SCHEMAS[service].raw_schema
    operations = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    async with chromium_page() as page:
        await page.goto(f"{url}/docs")

        async def drawn() -> set[str]:
            return set(await page.evaluate(DRAWN))

        await eventually(drawn, until=lambda seen: seen == operations, what="every operation")
        loaded = await page.evaluate(
            "performance.getEntriesByType('resource').map(entry => entry.name)"
        )
        title = await page.evaluate("document.querySelector('.info .title').textContent")
    assert [resource for resource in loaded if not resource.startswith(url)] == []
    assert f"{url}/openapi.json" in loaded
    assert document["info"]["title"] in title
