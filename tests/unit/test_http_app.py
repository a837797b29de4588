"""The shared app factory: uniform 4xx bodies, body-size limit, request ids, logs and metrics."""

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request
from prometheus_client import REGISTRY
from pydantic import BaseModel, Field, field_validator
from pymongo.errors import AutoReconnect

from shared.events.values import PhoneNumber
from shared.http import ErrorBody, HttpSettings, create_app, field_error
from shared.http.access import public
from shared.mongo.conflict import Conflict
from shared.observability.logging import JsonFormatter

pytestmark = pytest.mark.unit

MAX_BODY = 256
CASE = "SLDTBXH-240115-0001"
log = logging.getLogger("tests.http")


class Applicant(BaseModel):
    full_name: str = Field(min_length=1)
    phone: PhoneNumber


class Dossier(BaseModel):
    procedure_code: str
    applicant: Applicant
    copies: int = Field(ge=1)

    @field_validator("procedure_code")
    @classmethod
    def known(cls, value: str) -> str:
        if value != "1.001776":
            raise ValueError("Thủ tục không có trong danh mục")
        return value


def build_app() -> tuple[FastAPI, list[bytes]]:
    """An app with a few routes; the list records every body a route got to read."""
    open_to_all = public("the shared plumbing under test, not access")
    access = {
        ("POST", "/dossiers"): open_to_all,
        ("POST", "/raw"): open_to_all,
        ("GET", "/cases/{case_code}"): open_to_all,
    }
    app = create_app(HttpSettings(http_max_body_bytes=MAX_BODY), title="test", access=access)
    seen: list[bytes] = []

    @app.post("/dossiers")
    async def receive(dossier: Dossier) -> dict[str, str]:
        return {"received": dossier.applicant.full_name}

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        seen.append(await request.body())
        return {"length": len(seen[-1])}

    @app.get("/cases/{case_code}")
    async def case(case_code: str) -> dict[str, str]:
        log.info("looked up")
        if case_code.endswith("9999"):
            raise field_error(404, "path.case_code", "Không tìm thấy hồ sơ")
        if case_code.endswith("0409"):
            raise HTTPException(409, "Hồ sơ đã được trả kết quả")
        if case_code.endswith("0503"):
            raise AutoReconnect("connection closed")
        if case_code.endswith("1409"):
            raise Conflict("cases: a document changed since it was read")
        return {"case_code": case_code}

    return app, seen


@pytest.fixture
def app_and_bodies() -> tuple[FastAPI, list[bytes]]:
    return build_app()


@pytest.fixture
async def client(app_and_bodies: tuple[FastAPI, list[bytes]]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app_and_bodies[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def valid_dossier(**changes: object) -> dict[str, object]:
    applicant = {"full_name": "Nguyễn Văn An", "phone": "+84912345678"}
    return {"procedure_code": "1.001776", "applicant": applicant, "copies": 1, **changes}


def only_error(response: httpx.Response) -> dict[str, str]:
    body = ErrorBody.model_validate(response.json())
    assert len(body.detail) == 1, body
    return body.detail[0].model_dump()


async def test_a_valid_body_passes(client: httpx.AsyncClient) -> None:
    response = await client.post("/dossiers", json=valid_dossier())
    assert response.status_code == 200
    assert response.json() == {"received": "Nguyễn Văn An"}


async def test_a_nested_invalid_field_is_named_by_its_path(client: httpx.AsyncClient) -> None:
    bad = valid_dossier(applicant={"full_name": "Nguyễn Văn An", "phone": "0912 345 678"})
    response = await client.post("/dossiers", json=bad)
    assert response.status_code == 422
    error = only_error(response)
    assert error["field"] == "body.applicant.phone"
    assert error["reason"].startswith("Không đúng định dạng")


async def test_every_invalid_field_is_listed(client: httpx.AsyncClient) -> None:
    bad = valid_dossier(copies=0)
    del bad["applicant"]
    response = await client.post("/dossiers", json=bad)
    assert response.status_code == 422
    errors = {e.field: e.reason for e in ErrorBody.model_validate(response.json()).detail}
    assert errors == {
        "body.applicant": "Thiếu trường bắt buộc",
        "body.copies": "Phải lớn hơn hoặc bằng 1",
    }


async def test_our_own_validators_speak_for_themselves(client: httpx.AsyncClient) -> None:
    response = await client.post("/dossiers", json=valid_dossier(procedure_code="9.999"))
    assert only_error(response) == {
        "field": "body.procedure_code",
        "reason": "Thủ tục không có trong danh mục",
    }


async def test_malformed_json_names_the_body(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/dossiers", content=b'{"applicant": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    error = only_error(response)
    assert error["field"] == "body"
    assert error["reason"].startswith("JSON không hợp lệ")


async def test_a_route_names_the_field_it_refuses(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/cases/{CASE[:-4]}9999")
    assert response.status_code == 404
    assert only_error(response) == {"field": "path.case_code", "reason": "Không tìm thấy hồ sơ"}


async def test_a_plain_http_exception_gets_the_uniform_body(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/cases/{CASE[:-4]}0409")
    assert response.status_code == 409
    assert only_error(response) == {"field": "request", "reason": "Hồ sơ đã được trả kết quả"}


async def test_a_store_outage_is_a_503_with_retry_after(client: httpx.AsyncClient) -> None:
    response = await client.get("/cases/SNV.NA-250714-0503")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert only_error(response)["field"] == "service"


async def test_a_conflict_past_every_retry_is_a_409(client: httpx.AsyncClient) -> None:
    response = await client.get("/cases/SNV.NA-250714-1409")
    assert response.status_code == 409
    assert response.headers["retry-after"] == "1"
    assert "đồng thời" in only_error(response)["reason"]


async def test_an_unknown_path_names_the_path(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert only_error(response) == {"field": "path", "reason": "Không tìm thấy"}


async def test_a_wrong_method_names_the_method_and_keeps_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/dossiers")
    assert response.status_code == 405
    assert only_error(response)["field"] == "method"
    assert response.headers["allow"] == "POST"


async def test_an_oversized_body_is_refused_before_parsing(client: httpx.AsyncClient) -> None:
    # Not even JSON: a 422 would mean something parsed it.
    response = await client.post(
        "/dossiers", content=b"x" * (MAX_BODY + 1), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert only_error(response)["field"] == "body"
    assert str(MAX_BODY) in only_error(response)["reason"]


async def test_a_body_at_the_limit_is_read_whole(
    client: httpx.AsyncClient, app_and_bodies: tuple[FastAPI, list[bytes]]
) -> None:
    response = await client.post("/raw", content=b"x" * MAX_BODY)
    assert response.json() == {"length": MAX_BODY}
    assert app_and_bodies[1] == [b"x" * MAX_BODY]


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_a_chunked_body_over_the_limit_never_reaches_the_route(
    client: httpx.AsyncClient, app_and_bodies: tuple[FastAPI, list[bytes]]
) -> None:
    half = b"y" * (MAX_BODY // 2)
    response = await client.post("/raw", content=chunks(half, half, b"!"))
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert app_and_bodies[1] == []


async def test_a_chunked_body_within_the_limit_arrives_intact(
    client: httpx.AsyncClient, app_and_bodies: tuple[FastAPI, list[bytes]]
) -> None:
    response = await client.post("/raw", content=chunks(b"ab", b"", b"cd"))
    assert response.json() == {"length": 4}
    assert app_and_bodies[1] == [b"abcd"]


async def test_every_answer_carries_a_request_id(client: httpx.AsyncClient) -> None:
    first = await client.get(f"/cases/{CASE}")
    second = await client.get(f"/cases/{CASE}")
    assert len(first.headers["x-request-id"]) == 32
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_plain_caller_request_id_is_kept_and_an_odd_one_replaced(
    client: httpx.AsyncClient,
) -> None:
    kept = await client.get(f"/cases/{CASE}", headers={"x-request-id": "desk-7.abc_1"})
    replaced = await client.get(f"/cases/{CASE}", headers={"x-request-id": "a b\tc"})
    assert kept.headers["x-request-id"] == "desk-7.abc_1"
    assert replaced.headers["x-request-id"] not in {"a b\tc", "desk-7.abc_1"}


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Log lines of the test routes and of the access log, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("test"))
    loggers = [log, logging.getLogger("shared.http.access")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


async def test_log_lines_carry_the_request_id_and_the_case_code_of_the_path(
    client: httpx.AsyncClient, json_lines: io.StringIO
) -> None:
    response = await client.get(f"/cases/{CASE}", headers={"x-request-id": "req-1"})
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    route_line, access_line = lines
    assert route_line["message"] == "looked up"
    assert (route_line["request_id"], route_line["case_code"]) == ("req-1", CASE)
    assert access_line["request_id"] == response.headers["x-request-id"]
    assert (access_line["route"], access_line["status"]) == ("/cases/{case_code}", "200")


async def test_a_path_without_a_case_code_logs_none(
    client: httpx.AsyncClient, json_lines: io.StringIO
) -> None:
    await client.post("/raw", content=b"{}")
    (access_line,) = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    assert "case_code" not in access_line
    assert access_line["route"] == "/raw"


def requests_counted(route: str, status: str, method: str = "GET") -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


async def test_requests_are_counted_by_route_template_and_status(
    client: httpx.AsyncClient,
) -> None:
    found = requests_counted("/cases/{case_code}", "200")
    missing = requests_counted("<unmatched>", "404")
    await client.get(f"/cases/{CASE}")
    await client.get("/cases/KHAC-240115-0002")
    await client.get("/nowhere/at/all")
    assert requests_counted("/cases/{case_code}", "200") == found + 2
    assert requests_counted("<unmatched>", "404") == missing + 1


async def test_metrics_expose_request_latency_by_route(client: httpx.AsyncClient) -> None:
    await client.get(f"/cases/{CASE}")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert (
        'http_request_duration_seconds_count{method="GET",route="/cases/{case_code}",status="200"}'
        in response.text
    )
