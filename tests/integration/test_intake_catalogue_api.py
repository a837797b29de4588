"""The public catalogue over HTTP on the real servers: dated agencies, where a procedure is
received at a date, and accent-free search, as a citizen or a clerk uses them."""

from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest

from shared.calendar import LOCAL_TZ
from shared.clock import ManualClock
from shared.settings import ServiceSettings
from tests.integration.intake_support import intake_client, intake_settings

pytestmark = pytest.mark.integration

TODAY = "2026-12-02"
NINE_COMMUNES = {
    "BICHHAO",
    "CATNGAN",
    "DAIDONG",
    "HANHLAM",
    "HOAQUAN",
    "KIMBANG",
    "SONLAM",
    "TAMDONG",
    "XUANLAM",
}


@pytest.fixture(scope="module")
async def client(settings: ServiceSettings) -> AsyncIterator[httpx.AsyncClient]:
    clock = ManualClock(datetime(2026, 12, 2, 9, tzinfo=LOCAL_TZ))
    async with intake_client(intake_settings(settings), clock) as client:
        yield client


async def codes(client: httpx.AsyncClient, path: str, **params: str) -> set[str]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return {item["code"] for item in response.json()}


async def test_1_001776_is_received_today_at_the_nine_communes(client: httpx.AsyncClient) -> None:
    assert await codes(client, "/procedures/1.001776/agencies") == NINE_COMMUNES
    in_2024 = await codes(client, "/procedures/1.001776/agencies", at="2024-06-03")
    assert "TCH" in in_2024
    assert len(in_2024) == 30  # the district office and its 29 communes
    assert await codes(client, "/procedures/1.001776/agencies", at="2018-06-01") == set()


async def test_the_departments_desk_receives_what_the_law_gives_it(
    client: httpx.AsyncClient,
) -> None:
    assert "SNV" in await codes(client, "/procedures/1.010801/agencies")
    assert "SLDTBXH" in await codes(client, "/procedures/LOCAL.VL.001/agencies", at="2018-06-01")


async def test_desks_by_date_and_the_province_apart(client: httpx.AsyncClient) -> None:
    assert await codes(client, "/agencies", level="xã") == NINE_COMMUNES
    communes_2018 = await codes(client, "/agencies", level="xã", at="2018-06-01")
    assert len(communes_2018) == 29 and "TCH.THANHNGOC" in communes_2018
    assert "UBNDNA" not in await codes(client, "/agencies")
    assert await codes(client, "/agencies", receives="false") == {"UBNDNA"}


async def test_accent_free_search_and_the_short_name(client: httpx.AsyncClient) -> None:
    found = (await client.get("/procedures", params={"q": "tho cung", "at": TODAY})).json()
    assert [p["short_name"] for p in found] == ["Trợ cấp thờ cúng liệt sĩ"]
    housing = (await client.get("/procedures", params={"q": "nha o", "at": "2024-06-03"})).json()
    assert [p["code"] for p in housing] == ["LOCAL.NCC.003"]
    pension = (await client.get("/procedures/1.001776")).json()
    assert [paper["key"] for paper in pension["shown_documents"]] == [
        "can-cuoc",
        "giay-to-theo-doi-tuong",
    ]
