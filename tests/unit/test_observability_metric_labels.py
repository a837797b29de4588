"""HTTP metrics are labelled from fixed sets: known methods, route templates, a fixed value else.

A label value per raw path would put citizens' phone numbers into the metrics (and make a new time
series per request); a label value per invented method would do the latter.
"""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY, generate_latest

from shared.http.observe import OTHER_METHOD, UNMATCHED_ROUTE, RequestObservationMiddleware

pytestmark = pytest.mark.unit

PHONE = "0912345678"


def counted(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.add_middleware(RequestObservationMiddleware)

    @app.get("/contacts/{phone}")
    async def contact(phone: str) -> dict[str, int]:
        return {"length": len(phone)}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


async def test_a_matched_path_is_labelled_with_its_route_template(
    client: httpx.AsyncClient,
) -> None:
    before = counted("GET", "/contacts/{phone}", "200")
    assert (await client.get(f"/contacts/{PHONE}")).status_code == 200
    assert counted("GET", "/contacts/{phone}", "200") == before + 1


async def test_an_unmatched_path_and_an_unknown_method_get_fixed_labels(
    client: httpx.AsyncClient,
) -> None:
    unmatched = counted("GET", UNMATCHED_ROUTE, "404")
    invented = counted(OTHER_METHOD, "/contacts/{phone}", "405")
    assert (await client.get(f"/opt-outs/sms/{PHONE}")).status_code == 404
    assert (await client.request("BREW0912345678", f"/contacts/{PHONE}")).status_code == 405
    assert counted("GET", UNMATCHED_ROUTE, "404") == unmatched + 1
    assert counted(OTHER_METHOD, "/contacts/{phone}", "405") == invented + 1
    exposed = generate_latest(REGISTRY).decode()
    assert PHONE not in exposed
    assert "BREW" not in exposed
