"""GET /audit on the real store: filters by case, officer and local days, newest first, paged
without repeats; the chain report on request; the service's guard in front; bad queries are 422."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import Depends, FastAPI, Header
from pymongo.asynchronous.database import AsyncDatabase

from shared.audit import ENTRIES, INDEXES, append_audit, audit_router, link_all
from shared.clock import ManualClock
from shared.http.errors import EXCEPTION_HANDLERS, field_error
from shared.mongo import Document, Transaction, UnitOfWork, ensure_indexes, mongo_client
from shared.officers import Officer, OfficerRole
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
C1, C2 = "SLDTBXH-261130-0001", "SLDTBXH-261130-0002"
AN = Officer(id="cv.an", name="Trần An", roles=frozenset({OfficerRole.SPECIALIST}), agency="S.NA")
BINH = Officer(id="ld.binh", name="Lê Bình", roles=frozenset({OfficerRole.LEADER}), agency="S.NA")
# (local time, officer, case): sequences 1 to 5, then 6 and 7 in one unit at one instant.
ACTIONS = [
    (datetime(2026, 11, 30, 9, 0), AN, C1),
    (datetime(2026, 12, 1, 9, 0), BINH, C1),
    (datetime(2026, 12, 1, 23, 30), AN, C2),
    # Past local midnight, still 1 December in UTC: it belongs to 2 December.
    (datetime(2026, 12, 2, 0, 30), AN, C1),
    (datetime(2026, 12, 2, 10, 0), BINH, C2),
]
PAIR_AT = datetime(2026, 12, 2, 11, 0)


def managers_only(x_test_role: Annotated[str | None, Header()] = None) -> None:
    """Stands in for the service's role check: the router must run what it is given."""
    if x_test_role != "manager":
        raise field_error(403, "header.authorization", "Chỉ Quản lý được xem nhật ký")


async def build_trail(db: AsyncDatabase[Document]) -> None:
    clock = ManualClock(ACTIONS[0][0].replace(tzinfo=HANOI))
    uow = UnitOfWork(db, clock=clock)
    for local, officer, case in ACTIONS:
        clock.set(local.replace(tzinfo=HANOI))
        await uow.run(lambda tx, o=officer, c=case: act(tx, o, c))
    clock.set(PAIR_AT.replace(tzinfo=HANOI))

    async def pair(tx: Transaction) -> None:
        await act(tx, AN, C2)
        await act(tx, AN, C1)

    await uow.run(pair)
    # What the service's linker does within its interval.
    await link_all(db)


async def act(tx: Transaction, officer: Officer, case: str) -> None:
    role = next(iter(officer.roles))
    after = {"status": "processing", "by": officer.id}
    await append_audit(tx, officer, role, "complete_step", case_code=case, after=after)


@pytest.fixture(scope="module")
async def db(settings: ServiceSettings) -> AsyncIterator[AsyncDatabase[Document]]:
    client = mongo_client(settings)
    database = client[settings.mongodb_database]
    await ensure_indexes(database, INDEXES)
    await build_trail(database)
    yield database
    await client.close()


@pytest.fixture(scope="module")
async def http(db: AsyncDatabase[Document]) -> AsyncIterator[httpx.AsyncClient]:
    # The bare app with the project's error bodies: the services' app factory adds their token
    # check, which the guard below stands in for.
    app = FastAPI(exception_handlers=EXCEPTION_HANDLERS)
    app.include_router(audit_router(lambda: db, dependencies=[Depends(managers_only)]))
    transport = httpx.ASGITransport(app=app)
    headers = {"x-test-role": "manager"}
    async with httpx.AsyncClient(transport=transport, base_url="http://s", headers=headers) as c:
        yield c


async def sequences(http: httpx.AsyncClient, **params: Any) -> list[int]:
    response = await http.get("/audit", params=params)
    assert response.status_code == 200, response.text
    return [e["sequence"] for e in response.json()["entries"]]


async def test_entries_come_newest_first_with_what_was_recorded(
    http: httpx.AsyncClient,
) -> None:
    body = (await http.get("/audit")).json()
    assert [e["sequence"] for e in body["entries"]] == [7, 6, 5, 4, 3, 2, 1]
    assert body["next_cursor"] is None and body["chain"] is None
    first = body["entries"][-1]
    assert {k: first[k] for k in ("officer_id", "role", "agency", "case_code", "after")} == {
        "officer_id": "cv.an",
        "role": "specialist",
        "agency": "S.NA",
        "case_code": C1,
        "after": {"status": "processing", "by": "cv.an"},
    }
    assert datetime.fromisoformat(first["at"]) == ACTIONS[0][0].replace(tzinfo=HANOI)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"case_code": C1}, [7, 4, 2, 1]),
        ({"officer_id": "ld.binh"}, [5, 2]),
        ({"from": "2026-12-01", "to": "2026-12-01"}, [3, 2]),
        ({"from": "2026-12-02"}, [7, 6, 5, 4]),
        ({"to": "2026-11-30"}, [1]),
        ({"case_code": C1, "officer_id": "cv.an", "from": "2026-12-02"}, [7, 4]),
        ({"case_code": "SLDTBXH-261130-0404"}, []),
    ],
)
async def test_filters_by_case_officer_and_local_days(
    http: httpx.AsyncClient, params: dict[str, str], expected: list[int]
) -> None:
    assert await sequences(http, **params) == expected


async def test_pages_follow_each_other_without_repeats(http: httpx.AsyncClient) -> None:
    for limit, pages in [(1, 7), (2, 4), (3, 3)]:
        seen: list[int] = []
        params: dict[str, Any] = {"limit": limit}
        for _ in range(pages):
            body = (await http.get("/audit", params=params)).json()
            seen += [e["sequence"] for e in body["entries"]]
            params["cursor"] = body["next_cursor"]
        assert seen == [7, 6, 5, 4, 3, 2, 1] and params["cursor"] is None, limit
    filtered = {"case_code": C1, "limit": 3}
    body = (await http.get("/audit", params=filtered)).json()
    assert await sequences(http, **filtered, cursor=body["next_cursor"]) == [1]


async def test_the_chain_report_comes_on_request(http: httpx.AsyncClient) -> None:
    body = (await http.get("/audit", params={"verify": "true", "limit": 1})).json()
    assert body["chain"] == {
        "intact": True,
        "checked": 7,
        "head_sequence": 7,
        "first_bad_sequence": None,
        "problem": None,
        "reason": None,
    }


async def test_an_edit_shows_in_the_chain_report(
    settings: ServiceSettings, db: AsyncDatabase[Document]
) -> None:
    # A trail of its own: the other tests read an intact one.
    other = db.client[f"{settings.mongodb_database}_edited"]
    await ensure_indexes(other, INDEXES)
    await build_trail(other)
    await other[ENTRIES].update_one({"sequence": 4}, {"$set": {"after.by": "ld.binh"}})
    app = FastAPI(exception_handlers=EXCEPTION_HANDLERS)
    app.include_router(audit_router(lambda: other))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as c:
        chain = (await c.get("/audit", params={"verify": "true"})).json()["chain"]
    assert (chain["intact"], chain["problem"], chain["first_bad_sequence"]) == (False, "edited", 4)


async def test_the_services_guard_runs_first(http: httpx.AsyncClient) -> None:
    response = await http.get("/audit", headers={"x-test-role": "specialist"})
    assert response.status_code == 403
    assert response.json()["detail"][0]["field"] == "header.authorization"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "1899-12-31"}, "query.from"),
        ({"to": "2101-01-01"}, "query.to"),
        ({"from": "9999-12-31"}, "query.from"),
        ({"from": "2026-13-01"}, "query.from"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "query.to"),
        ({"limit": "0"}, "query.limit"),
        ({"limit": "501"}, "query.limit"),
        ({"limit": "many"}, "query.limit"),
        ({"cursor": "abc"}, "query.cursor"),
        ({"cursor": "9" * 15 + ".1"}, "query.cursor"),
        ({"case_code": "x" * 65}, "query.case_code"),
        ({"verify": "perhaps"}, "query.verify"),
    ],
)
async def test_a_bad_query_is_refused_naming_the_parameter(
    http: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await http.get("/audit", params=params)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [field]
