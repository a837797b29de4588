"""The officer headers every service reads: validated once, with the uniform 4xx body."""

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import Depends

from shared.events.workflow import Role
from shared.http import HttpSettings, create_app
from shared.http.officers import CurrentOfficer, require_roles
from shared.officers import Officer, OfficerRole

pytestmark = pytest.mark.unit

LEADER = {"X-Officer-Id": "ld.hung", "X-Officer-Role": "leader"}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(HttpSettings(), title="test")
    deciders = require_roles(OfficerRole.LEADER, OfficerRole.MANAGER)

    @app.get("/whoami")
    def whoami(officer: CurrentOfficer) -> Officer:
        return officer

    @app.post("/decisions")
    def decide(officer: Annotated[Officer, Depends(deciders)]) -> Officer:
        return officer

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def test_step_roles_are_the_event_contracts_roles() -> None:
    assert {role.value for role in Role} == {role.value for role in OfficerRole} - {"manager"}
    assert OfficerRole.RECEPTION_CLERK == Role.RECEPTION_CLERK


async def test_the_headers_name_the_officer(client: httpx.AsyncClient) -> None:
    response = await client.get("/whoami", headers=LEADER)
    assert response.status_code == 200
    assert response.json() == {"id": "ld.hung", "role": "leader"}


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({"X-Officer-Role": "leader"}, "header.x-officer-id"),
        ({"X-Officer-Id": "", "X-Officer-Role": "leader"}, "header.x-officer-id"),
        ({"X-Officer-Id": "ld.hung"}, "header.x-officer-role"),
        ({"X-Officer-Id": "ld.hung", "X-Officer-Role": "clerk"}, "header.x-officer-role"),
    ],
)
async def test_a_missing_or_invalid_header_is_named(
    client: httpx.AsyncClient, headers: dict[str, str], field: str
) -> None:
    response = await client.get("/whoami", headers=headers)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert error["reason"]


async def test_a_role_the_route_does_not_admit_is_forbidden(client: httpx.AsyncClient) -> None:
    clerk = {"X-Officer-Id": "tn.lan", "X-Officer-Role": "reception_clerk"}
    response = await client.post("/decisions", headers=clerk)
    assert response.status_code == 403
    assert response.json() == {
        "detail": [
            {
                "field": "header.x-officer-role",
                "reason": "Chỉ Lãnh đạo, Quản lý được thực hiện thao tác này",
            }
        ]
    }
    assert (await client.post("/decisions", headers=LEADER)).status_code == 200
