"""The seed's year through the public API: run.sh's line that records Thanh Chương's 2018 paper
registers, on this module's four services, then the 2018 report, a second load, refusals, and
what the other services do with recorded dossiers (nothing: no processing, no message)."""

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from devstack.demo import Urls
from devstack.register_year import RegisterLoader, plan
from devstack.sinks.running import RunningSinks
from shared.settings import ServiceSettings
from tests.e2e.running_services import run_line, run_sh_line, running_services
from tests.tokens import bearer

LOAD_TIMEOUT_S = 400
YEAR = {"from": "2018-01-01", "to": "2018-12-31"}
HOUSING = "HO_TRO_NHA_O_NCC"
ADMIN = bearer("admin", "SNV")
SUMMARY = re.compile(
    r"^2939 register entries of 2018 \((\d+) new\); reporting: 2939 received", re.M
)


@dataclass(frozen=True)
class Year:
    urls: dict[str, str]
    output: str  # the loader's standard output
    entries: list[dict[str, Any]]  # what it recorded, as it planned them


async def load(urls: dict[str, str], sinks: RunningSinks) -> str:
    out, _ = await run_line(run_sh_line("devstack.register_year"), urls, sinks, LOAD_TIMEOUT_S)
    return out


@pytest.fixture(scope="module")
async def year(
    settings: ServiceSettings, sinks: RunningSinks, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Year]:
    async with running_services(settings, sinks, tmp_path_factory.mktemp("logs")) as urls:
        output = await load(urls, sinks)
        entries = await asyncio.to_thread(planned, Urls(**urls, sinks=sinks.url))
        yield Year(urls, output, entries)


def planned(urls: Urls) -> list[dict[str, Any]]:
    with httpx.Client(timeout=30) as client:
        return plan(RegisterLoader(urls, client).desk(2018), 2018)


def new_entries(output: str) -> int:
    """How many entries the loader's summary says were new; it also counted 2939 reported."""
    found = SUMMARY.search(output)
    assert found is not None, output
    return int(found.group(1))


async def get(url: str, **params: Any) -> Any:
    async with httpx.AsyncClient(timeout=30) as http:
        return (await http.get(url, params=params, headers=ADMIN)).raise_for_status().json()


async def test_the_report_for_2018_equals_the_seeds_figures(year: Year) -> None:
    assert new_entries(year.output) == 2939
    report = await get(f"{year.urls['reporting']}/reports/one-stop", **YEAR)
    total = report["total"]
    assert total["received"]["total"] == total["received"]["new"] == 2939
    assert total["received"]["carried_over"] == 0
    assert total["resolved"]["total"] == total["resolved"]["early"] + total["resolved"]["on_time"]
    assert (total["resolved"]["total"], total["resolved"]["late"]) == (2939, 0)
    assert total["in_progress"]["total"] == 0
    payments = await get(f"{year.urls['reporting']}/reports/payments", **YEAR)
    assert [(r["programme"], r["beneficiaries"], r["amount_vnd"]) for r in payments["rows"]] == [
        (HOUSING, 1010, 29_180_000_000)
    ]
    # Only agencies and procedures of that date: Thanh Chương's district desk and its communes.
    by_agency = await get(f"{year.urls['reporting']}/reports/one-stop", **YEAR, group_by="agency")
    assert all(row["key"].split(".")[0] == "TCH" for row in by_agency["rows"])


async def test_loading_the_year_again_records_nothing_twice(
    year: Year, sinks: RunningSinks
) -> None:
    again = await load(year.urls, sinks)
    assert new_entries(again) == 0
    report = await get(f"{year.urls['reporting']}/reports/one-stop", **YEAR)
    assert report["total"]["received"]["total"] == 2939


async def test_a_page_with_an_impossible_entry_stores_none_of_it(year: Year) -> None:
    fresh = commune_entry(year) | {"register_entry": "2018/9001"}
    # 2/9/2018, National Day, was a Sunday: the Monday after was off.
    holiday = fresh | {"register_entry": "2018/9002", "received_at": "2018-09-03T09:30:00+07:00"}
    url = f"{year.urls['intake']}/register-entries"
    async with httpx.AsyncClient(timeout=30) as http:
        refused = await http.post(url, json={"entries": [fresh, holiday]}, headers=ADMIN)
        assert refused.status_code == 422
        [error] = refused.json()["detail"]
        assert error["field"] == "entries.1.received_at"
        assert "ngày nghỉ" in error["reason"]
        clerk = bearer("reception_clerk", fresh["agency_code"])
        forbidden = await http.post(url, json={"entries": [fresh]}, headers=clerk)
        assert forbidden.status_code == 403
        # The valid entry was not stored: sent alone, it is new.
        alone = await http.post(url, json={"entries": [fresh]}, headers=ADMIN)
        assert alone.status_code == 201
        assert alone.json()["entries"][0]["created"] is True
        changed = fresh | {"outcome": "rejected"}
        conflicting = await http.post(url, json={"entries": [changed]}, headers=ADMIN)
        assert conflicting.status_code == 422
        assert conflicting.json()["detail"][0]["field"] == "entries.0.register_entry"


async def test_recorded_dossiers_are_neither_processed_nor_notified(
    year: Year, sinks: RunningSinks
) -> None:
    entry = commune_entry(year)
    async with httpx.AsyncClient(timeout=30) as http:
        url = f"{year.urls['intake']}/register-entries"
        page = await http.post(url, json={"entries": [entry]}, headers=ADMIN)
        assert page.status_code == 200  # recorded by the loader already
        [recorded] = page.json()["entries"]
        code = recorded["case_code"]
        specialist = bearer("specialist", entry["agency_code"])
        flow = await http.get(f"{year.urls['workflow']}/cases/{code}", headers=specialist)
        assert flow.status_code == 404
    assert not [body for body in await sinks.sms() if code in str(body)]
    assert not [m for m in await sinks.mail() if code in str(m)]


def commune_entry(year: Year) -> dict[str, Any]:
    """The loader's first entry of a commune's desk."""
    return next(e for e in year.entries if e["agency_code"] != "TCH")
