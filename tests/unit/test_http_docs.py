"""/docs and /redoc work offline: the page and all it loads come from the service itself."""

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from shared.http import HttpSettings, create_app
from shared.http.access import public

pytestmark = pytest.mark.unit

BASE = "http://test"
# Every absolute URL, and every URL the page loads itself (script, stylesheet, icon, spec).
ABSOLUTE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")
LOADED = re.compile(r"""(?:src|href|url|spec-url)\s*[=:]\s*['"]([^'"]+)['"]""")
CONTENT_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "json"}


def build_app() -> FastAPI:
    access = {("GET", "/cases/{case_code}"): public("documentation under test")}
    app = create_app(HttpSettings(), title="Tiếp nhận", access=access)

    @app.get("/cases/{case_code}")
    async def case(case_code: str) -> dict[str, str]:
        return {"case_code": case_code}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        yield http


async def page(client: httpx.AsyncClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_the_docs_page_names_nothing_outside_the_service(
    client: httpx.AsyncClient, path: str
) -> None:
    html = await page(client, path)
    assert [url for url in ABSOLUTE.findall(html) if not url.startswith(BASE)] == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/docs", {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png", "openapi.json"}),
        ("/redoc", {"redoc.standalone.js", "favicon.png", "openapi.json"}),
    ],
)
async def test_what_the_docs_page_loads_is_served(
    client: httpx.AsyncClient, path: str, expected: set[str]
) -> None:
    urls = set(LOADED.findall(await page(client, path)))
    assert {url.rsplit("/", 1)[-1] for url in urls} == expected
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        kind = CONTENT_TYPES["." + url.rsplit(".", 1)[-1]]
        assert kind in response.headers["content-type"], url
        assert len(response.content) > 1000 or kind == "image/png", url


async def test_swagger_ui_asks_no_online_validator(client: httpx.AsyncClient) -> None:
    assert '"validatorUrl": null' in await page(client, "/docs")


async def test_the_openapi_document_stays_and_leaves_the_docs_out(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Tiếp nhận"
    paths = list(response.json()["paths"])
    assert "/cases/{case_code}" in paths
    assert [p for p in paths if p.startswith(("/docs", "/redoc"))] == []


async def test_behind_a_prefixing_proxy_the_page_asks_for_its_assets_with_the_prefix() -> None:
    transport = httpx.ASGITransport(app=build_app(), root_path="/intake")
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        urls = LOADED.findall(await page(http, "/intake/docs"))
        assert urls and all(url.startswith("/intake/") for url in urls)
        for url in urls:
            assert (await http.get(url)).status_code == 200, url
