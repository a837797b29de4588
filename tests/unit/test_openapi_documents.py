"""Each service's OpenAPI document says what the service answers (``shared.http.openapi``).

The property-based run against the running services is tests/integration/test_api_contract.py;
these are the document's own promises, checked without servers.
"""

import importlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import TypeAdapter, ValidationError

from shared.http import HttpSettings, create_app
from shared.http.access import public
from shared.http.openapi import SECURITY_SCHEME, IsoDate
from shared.http.probes import METRICS_MEDIA_TYPE

pytestmark = pytest.mark.unit

SERVICES = ("intake", "workflow", "notify", "reporting")
METHODS = {"get", "post", "put", "patch", "delete"}
# Bodies of a 4xx/5xx that are not the plain error body: richer bodies that extend it, and the
# readiness probe's own report.
ERROR_SCHEMAS = {"ErrorBody", "IncompleteDossierBody", "Readiness"}


def app_of(service: str) -> FastAPI:
    app: FastAPI = importlib.import_module(f"services.{service}.entrypoints.app").create_app()
    return app


@pytest.fixture(scope="module", params=SERVICES)
def service(request: pytest.FixtureRequest) -> tuple[FastAPI, dict[str, Any]]:
    app = app_of(request.param)
    return app, app.openapi()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def schema_name(response: dict[str, Any]) -> str | None:
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def test_no_error_body_the_services_never_send(service: tuple[FastAPI, dict[str, Any]]) -> None:
    _, document = service
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    assert schemas["ErrorBody"]["properties"]["detail"]["items"] == {
        "$ref": "#/components/schemas/FieldError"
    }
    assert set(schemas["FieldError"]["required"]) == {"field", "reason"}


def test_every_refusal_carries_the_error_body(service: tuple[FastAPI, dict[str, Any]]) -> None:
    _, document = service
    wrong = [
        (method, path, status, schema_name(response))
        for method, path, operation in operations(document)
        for status, response in operation["responses"].items()
        if int(status) >= 400 and schema_name(response) not in ERROR_SCHEMAS
    ]
    assert wrong == []


def test_officers_routes_need_a_token_and_name_the_roles(
    service: tuple[FastAPI, dict[str, Any]],
) -> None:
    app, document = service
    for method, path, operation in operations(document):
        rule = app.state.access_rules[(method.upper(), path)]
        responses = operation["responses"]
        if rule.public:
            assert "security" not in operation, (method, path)
            continue
        assert operation["security"] == [{SECURITY_SCHEME: []}], (method, path)
        assert {"401", "403"} <= set(responses), (method, path)
        assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True
        for role in rule.roles:
            assert f"`{role.value}`" in operation["description"], (method, path, role)
    scheme = document["components"].get("securitySchemes", {}).get(SECURITY_SCHEME)
    if any(not rule.public for rule in app.state.access_rules.values()):
        assert scheme == {**scheme, "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def test_bodies_and_store_failures_are_documented(service: tuple[FastAPI, dict[str, Any]]) -> None:
    _, document = service
    for method, path, operation in operations(document):
        responses = operation["responses"]
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= set(responses), (method, path)
        if path not in {"/healthz", "/readyz", "/metrics"}:
            assert responses["503"]["headers"]["Retry-After"]["required"] is True, (method, path)


def test_metrics_are_documented_as_prometheus_text(service: tuple[FastAPI, dict[str, Any]]) -> None:
    _, document = service
    content = document["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"text/plain; version=0.0.4"}
    assert METRICS_MEDIA_TYPE.startswith("text/plain; version=0.0.4")


def test_the_idempotent_resend_of_a_dossier_is_documented() -> None:
    responses = app_of("intake").openapi()["paths"]["/cases"]["post"]["responses"]
    assert responses["201"]["headers"]["Location"]["required"] is True
    replay = responses["200"]
    assert replay["headers"]["Idempotent-Replayed"]["schema"] == {
        "type": "string",
        "enum": ["true"],
    }
    assert schema_name(replay) == "CaseView"
    assert schema_name(responses["422"]) == "IncompleteDossierBody"


def test_inputs_state_the_rules_the_services_enforce() -> None:
    schemas = app_of("intake").openapi()["components"]["schemas"]
    individual, organisation = schemas["ApplicantInput"]["oneOf"]
    applicant = individual["properties"]
    assert applicant["id_number"]["pattern"] == "^(?:[0-9]{12}|[0-9]{9})$"
    assert applicant["phone"]["maxLength"] == 32
    assert "pattern" in applicant["phone"]
    assert applicant["date_of_birth"]["pattern"].startswith("^(?:19")
    assert applicant["full_name"]["pattern"] == r"\S"
    assert individual["required"] == ["full_name", "id_number", "date_of_birth", "phone", "address"]
    assert organisation["properties"]["tax_code"]["pattern"] == "^[0-9]{10}(?:-[0-9]{3})?$"
    assert organisation["properties"]["kind"]["const"] == "organisation"
    assert organisation["required"] == ["kind", "name", "tax_code", "phone", "address"]
    assert not {"full_name", "id_number", "date_of_birth"} & set(organisation["properties"])
    lookup = schemas["Lookup"]["properties"]["id_number"]["pattern"]
    assert lookup == "^(?:[0-9]{12}|[0-9]{9}|[0-9]{10}(?:-[0-9]{3})?)$"
    dossier = schemas["SubmitDossier"]["properties"]
    assert {"1.014027", "1.010803"} <= set(dossier["procedure_code"]["enum"])
    assert {"BICHHAO", "SNV"} <= set(dossier["agency_code"]["enum"])


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("0912 406 813", True),
        ("+84 912.406.813", True),
        ("84912406813", True),
        ("(091) 240-6813", True),
        ("0212406813", False),  # a landline
        ("091240681", False),
        ("+1 912 406 813", False),
    ],
)
def test_the_documented_mobile_pattern_agrees_with_the_service(phone: str, valid: bool) -> None:
    import re

    from services.intake.domain.commands import MOBILE_DOC
    from services.intake.domain.phone import normalise_mobile

    assert bool(re.search(str(MOBILE_DOC["pattern"]), phone)) is valid
    try:
        normalise_mobile(phone)
    except ValueError:
        accepted = False
    else:
        accepted = True
    assert accepted is valid


@pytest.mark.parametrize("text", ["0", "1700000000", "2025-7-1", "01/07/2025", "2025-07-01T00:00"])
def test_a_day_is_only_ever_yyyy_mm_dd(text: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(IsoDate).validate_python(text)
    assert TypeAdapter(IsoDate).validate_python("2025-07-01") == date(2025, 7, 1)


async def test_a_405_lists_every_method_of_the_path() -> None:
    rules = {
        ("GET", "/cases/{code}/refusal"): public("the printed form, under test"),
        ("POST", "/cases/{code}/refusal"): public("the refusal, under test"),
    }
    app = create_app(HttpSettings(), title="test", access=rules)

    @app.get("/cases/{code}/refusal")
    async def form(code: str) -> dict[str, str]:
        return {"code": code}

    @app.post("/cases/{code}/refusal")
    async def refuse(code: str) -> dict[str, str]:
        return {"code": code}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.delete("/cases/X-250101-0001/refusal")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}
    assert response.json() == {
        "detail": [{"field": "method", "reason": "Phương thức không được hỗ trợ"}]
    }
