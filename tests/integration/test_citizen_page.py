"""The citizen's side of intake on the real store and broker, served by uvicorn over real HTTP:
limits shared by two replicas, one answer for a wrong pair and an unknown code, the rating's
acknowledgement, the page's headers and, in headless Chromium, the page itself (screenshots into
docs/screenshots/)."""

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from services.intake.bootstrap import IntakeContainer
from services.intake.domain.commands import SubmitDossier
from services.intake.domain.status import CaseStatus
from services.intake.entrypoints.app import create_app
from services.intake.settings import IntakeSettings
from shared.clock import ManualClock
from shared.events.codec import new_event
from shared.events.envelope import EventData
from shared.http.rate_limit import RATE_LIMITS, Limit, RateLimiter
from shared.kafka import EventProducer
from shared.settings import ServiceSettings
from tests.integration.chromium_cdp import Page, chromium_page
from tests.polling import eventually
from tests.unit.intake_fakes import (
    CITIZEN_ID,
    DESK_CLERK,
    dossier,
    july,
    resolved,
    supplement_requested,
)

pytestmark = pytest.mark.integration
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WRONG_ID = "040085009999"
WINDOW_S = 3600
# What a slow, shared machine may take to answer one request.
HTTP_TIMEOUT_S = 30
ALL_TWOS = dict.fromkeys(
    ("contacts", "staff_attitude", "feedback_handling", "online_quality"),
    2,
)


@dataclass
class Replica:
    app: FastAPI
    url: str

    @property
    def container(self) -> IntakeContainer:
        container: IntakeContainer = self.app.state.container
        return container


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(july(14, 9))


@pytest.fixture(scope="module")
def service_settings(settings: ServiceSettings) -> IntakeSettings:
    base = settings.model_dump(exclude={"service_name", "outbox_poll_interval_s"})
    return IntakeSettings(
        **base,
        outbox_poll_interval_s=0.05,
        # The test's requests come through 127.0.0.1, a "proxy" naming a client per test.
        trusted_proxies=(ip_network("127.0.0.1/32"),),
        # Hour-long windows: a burst of requests rarely straddles two (see clear_of_window_end).
        rate_limit_client_window_s=WINDOW_S,
        rate_limit_case_window_s=WINDOW_S,
    )


async def serve(app: FastAPI) -> AsyncIterator[str]:
    # A socket already listening: connections wait in its backlog until the server is up.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    # uvicorn's own X-Forwarded-For handling off: the service's trusted proxies decide.
    config = uvicorn.Config(app, log_level="warning", proxy_headers=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await eventually(lambda: asyncio.sleep(0, server.started), what="uvicorn to start")
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture(scope="module")
async def replica(service_settings: IntakeSettings, clock: ManualClock) -> AsyncIterator[Replica]:
    app = create_app(service_settings, clock=clock)
    async for url in serve(app):
        yield Replica(app, url)


@pytest.fixture(scope="module")
async def other_replica(
    service_settings: IntakeSettings, clock: ManualClock, replica: Replica
) -> AsyncIterator[Replica]:
    """A second process's app on the same database: it serves requests, runs no workers."""
    app = create_app(service_settings.model_copy(update={"workers_enabled": False}), clock=clock)
    async for url in serve(app):
        yield Replica(app, url)


@pytest.fixture(scope="module")
async def producer(service_settings: IntakeSettings) -> AsyncIterator[EventProducer]:
    async with EventProducer(service_settings) as producer:
        yield producer


async def submit(replica: Replica) -> str:
    """A case received through the service layer, as the desk's route does after its checks."""
    cmd = SubmitDossier.model_validate(dossier())
    return (await replica.container.reception.submit(cmd, None, DESK_CLERK)).case.code


async def reach(replica: Replica, producer: EventProducer, data: EventData, status: int) -> None:
    """Publish a workflow event and wait until the service's consumer applied it."""
    await producer.publish(new_event(data))

    async def stored_status() -> int | None:
        case = await replica.container.cases.get(data.case_code)
        return None if case is None else case.status.value

    await eventually(stored_status, until=lambda s: s == status, what=f"status {status}")


def client(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def post(url: str, path: str, headers: dict[str, str], **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=HTTP_TIMEOUT_S) as http:
        return await http.post(path, headers=headers, **kwargs)


async def clear_of_window_end() -> None:
    """Start a counted burst in a fresh window if the current one ends within a minute: a burst
    split over two windows would be counted in halves."""
    left = WINDOW_S - time.time() % WINDOW_S
    if left < 60:
        await asyncio.sleep(left + 0.5)


async def test_counters_on_the_store_admit_exactly_the_limit_under_concurrency(
    database: AsyncDatabase[Any],
) -> None:
    limiter = RateLimiter(database[RATE_LIMITS])
    # A window of decades: the burst cannot straddle two.
    limit = Limit("concurrency", 25, 10**9)
    verdicts = await asyncio.gather(*(limiter.hit(limit, "one key") for _ in range(40)))
    assert verdicts.count(None) == 25
    assert all(isinstance(v, int) and v >= 1 for v in verdicts if v is not None)


async def test_two_replicas_share_the_limit_per_case_and_the_rating_draws_on_it(
    replica: Replica, other_replica: Replica, database: AsyncDatabase[Any]
) -> None:
    code = await submit(replica)
    body = {"code": code, "citizen_id": CITIZEN_ID}
    await clear_of_window_end()
    # Five lookups of one code, alternating replicas, each from another address: all answered.
    for n in range(5):
        url = (replica, other_replica)[n % 2].url
        answered = await post(url, "/lookup", client(f"198.51.100.{n + 1}"), json=body)
        assert answered.status_code == 200, answered.text
    refused = await post(other_replica.url, "/lookup", client("198.51.100.9"), json=body)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= WINDOW_S
    [error] = refused.json()["detail"]
    assert error["field"] == "code"
    assert error["reason"].startswith("Hồ sơ này đã được tra cứu quá nhiều lần")
    rating = {"citizen_id": CITIZEN_ID, "indicators": ALL_TWOS}
    rated = await post(replica.url, f"/cases/{code}/rating", client("198.51.100.10"), json=rating)
    assert rated.status_code == 429
    # The TTL index that clears old windows was declared when the replicas started.
    cursor = await database[RATE_LIMITS].list_indexes()
    indexes = {index["name"]: index async for index in cursor}
    assert indexes["rate_limits_ttl"]["expireAfterSeconds"] == 0


async def test_one_client_is_limited_whatever_the_codes_it_tries(
    replica: Replica, other_replica: Replica
) -> None:
    guesser = client("203.0.113.50")
    await clear_of_window_end()
    for n in range(10):
        body = {"code": f"DAIDONG-250714-9{n:03}", "citizen_id": CITIZEN_ID}
        url = (replica, other_replica)[n % 2].url
        assert (await post(url, "/lookup", guesser, json=body)).status_code == 404
    body = {"code": "DAIDONG-250714-9999", "citizen_id": CITIZEN_ID}
    refused = await post(replica.url, "/lookup", guesser, json=body)
    assert refused.status_code == 429
    assert refused.json()["detail"][0]["field"] == "client"
    assert 1 <= int(refused.headers["Retry-After"]) <= WINDOW_S
    page = await post(
        replica.url, "/tra-cuu", guesser, data={"ma": "X1", "so_dinh_danh": CITIZEN_ID}
    )
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "Quá nhiều lượt tra cứu từ thiết bị này" in page.text
    # Another client, the same code: not limited.
    other = await post(replica.url, "/lookup", client("203.0.113.51"), json=body)
    assert other.status_code == 404


async def test_a_wrong_pair_and_an_unknown_code_answer_alike(replica: Replica) -> None:
    code = await submit(replica)
    unknown = "DAIDONG-250714-8888"
    wrong = await post(
        replica.url, "/lookup", client("192.0.2.1"), json={"code": code, "citizen_id": WRONG_ID}
    )
    none = await post(
        replica.url,
        "/lookup",
        client("192.0.2.2"),
        json={"code": unknown, "citizen_id": CITIZEN_ID},
    )
    assert (wrong.status_code, wrong.content) == (none.status_code, none.content)
    assert wrong.status_code == 404
    form = {"ma": code, "so_dinh_danh": WRONG_ID}
    wrong_page = await post(replica.url, "/tra-cuu", client("192.0.2.3"), data=form)
    form = {"ma": unknown, "so_dinh_danh": CITIZEN_ID}
    none_page = await post(replica.url, "/tra-cuu", client("192.0.2.4"), data=form)
    assert wrong_page.status_code == none_page.status_code == 404
    # The only difference: the code typed, given back in its field.
    assert wrong_page.text.replace(code, unknown) == none_page.text
    assert "Không tìm thấy hồ sơ với mã và số định danh đã nhập" in wrong_page.text
    assert WRONG_ID not in wrong_page.text


async def test_a_rating_is_acknowledged_not_answered_with_the_case(
    replica: Replica, producer: EventProducer
) -> None:
    code = await submit(replica)
    await reach(replica, producer, resolved(code, july(18, 15), july(21, 17)), CaseStatus.RESOLVED)
    rating = {"citizen_id": CITIZEN_ID, "indicators": ALL_TWOS}
    rated = await post(replica.url, f"/cases/{code}/rating", client("192.0.2.20"), json=rating)
    assert rated.status_code == 200, rated.text
    assert rated.json() == {"status": "recorded", "code": code}
    again = await post(replica.url, f"/cases/{code}/rating", client("192.0.2.21"), json=rating)
    assert again.status_code == 409
    stored = await replica.container.cases.get(code)
    # All nine typed as 2, but the desk and publication indicators are computed at 1 each.
    assert stored is not None and stored.rating is not None and stored.rating.total_points == 16
    # The page's rating form: refused alike, as a page, whether or not every box is ticked.
    form = {"ma": code, "so_dinh_danh": CITIZEN_ID, **{k: str(v) for k, v in ALL_TWOS.items()}}
    page = await post(replica.url, "/tra-cuu/danh-gia", client("192.0.2.22"), data=form)
    assert page.status_code == 409 and "Hồ sơ này đã được đánh giá" in page.text
    del form["staff_attitude"]
    page = await post(replica.url, "/tra-cuu/danh-gia", client("192.0.2.23"), data=form)
    assert page.status_code == 409 and "Hồ sơ này đã được đánh giá" in page.text
    # A box left empty on a case that takes a rating: the form again, that indicator marked.
    other = await submit(replica)
    await reach(replica, producer, resolved(other, july(18, 15), july(21, 17)), CaseStatus.RESOLVED)
    form["ma"] = other
    page = await post(replica.url, "/tra-cuu/danh-gia", client("192.0.2.24"), data=form)
    assert page.status_code == 422 and page.text.count("Vui lòng chọn một mức") == 1
    assert page.text.count("checked") == len(ALL_TWOS) - 1  # what was chosen stays chosen


async def test_the_page_sets_its_security_headers_and_escapes_what_it_is_given(
    replica: Replica,
) -> None:
    async with httpx.AsyncClient(base_url=replica.url, timeout=HTTP_TIMEOUT_S) as http:
        page = await http.get("/tra-cuu", params={"ma": '"><script>alert(1)</script>'})
        css = await http.get("/tra-cuu/giao-dien.css")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy and "unsafe-inline" not in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"
    assert "<script>" not in page.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page.text
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


async def test_the_page_refuses_bad_input_with_a_4xx(replica: Replica) -> None:
    who = client("192.0.2.30")
    bad_id = await post(replica.url, "/tra-cuu", who, data={"ma": "A-1", "so_dinh_danh": "12ab"})
    assert bad_id.status_code == 422
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số" in bad_id.text
    as_json = await post(replica.url, "/tra-cuu", who, json={"ma": "A-1"})
    assert as_json.status_code == 415
    assert as_json.json()["detail"][0]["field"] == "header.content-type"
    many = "&".join(f"f{n}=x" for n in range(50))
    headers = {**who, "Content-Type": "application/x-www-form-urlencoded"}
    too_many = await post(replica.url, "/tra-cuu", headers, content=many)
    assert too_many.status_code == 400
    assert too_many.json()["detail"][0]["field"] == "body"


async def look_up_in_the_browser(page: Page, url: str, code: str) -> None:
    await page.goto(f"{url}/tra-cuu?ma={code}")
    # The SMS link filled the code in; the citizen types the ID number and submits.
    assert await page.evaluate("document.querySelector('#ma').value") == code
    await page.evaluate(f"document.querySelector('#so_dinh_danh').value = '{CITIZEN_ID}'")
    await page.submit("form button[type=submit]")


async def test_in_chromium_a_citizen_follows_a_case_and_rates_another(
    replica: Replica, producer: EventProducer, clock: ManualClock
) -> None:
    # Received on a day of their own: the codes, and so the screenshots, do not depend on which
    # other tests ran first.
    clock.set(july(15, 9))
    waiting = await submit(replica)
    requested = supplement_requested(waiting, july(16, 10))
    await reach(replica, producer, requested, CaseStatus.SUPPLEMENT_REQUESTED)
    done = await submit(replica)
    await reach(replica, producer, resolved(done, july(18, 15), july(22, 17)), CaseStatus.RESOLVED)

    async with chromium_page() as page:
        await page.resize(390, 844, mobile=True)
        await page.goto(f"{replica.url}/tra-cuu?ma={waiting}")
        await page.screenshot(SCREENSHOTS / "citizen-page-form-390.png")
        await look_up_in_the_browser(page, replica.url, waiting)
        text = await page.evaluate("document.body.innerText")
        assert await page.evaluate("document.querySelector('.status').textContent") == (
            "Yêu cầu bổ sung hồ sơ"
        )
        assert await page.evaluate("document.querySelector('[data-due]').textContent") == (
            "22/07/2025"
        )
        assert "Giấy xác nhận cư trú (bản sao, số lượng 1)" in text
        steps = await page.evaluate(
            "[...document.querySelectorAll('.timeline .what')].map(e => e.textContent)"
        )
        assert steps == [
            "Tiếp nhận hồ sơ tại Ủy ban nhân dân xã Đại Đồng",
            "Yêu cầu bổ sung hồ sơ: Thiếu giấy xác nhận cư trú",
        ]
        assert CITIZEN_ID not in await page.evaluate("location.href")
        await _no_horizontal_scroll(page)
        await page.screenshot(SCREENSHOTS / "citizen-page-390.png")
        await page.resize(1366, 768, mobile=False)
        await _no_horizontal_scroll(page)
        await page.screenshot(SCREENSHOTS / "citizen-page-1366.png")

        clock.set(july(22, 9))
        await page.resize(390, 844, mobile=True)
        await look_up_in_the_browser(page, replica.url, done)
        await page.screenshot(SCREENSHOTS / "citizen-page-rating-390.png")
        await page.evaluate(
            "document.querySelectorAll('.rating input[type=radio][value=\"2\"]')"
            ".forEach(r => r.checked = true)"
        )
        await page.submit(".rating button[type=submit]")
        text = await page.evaluate("document.body.innerText")
        assert "Cảm ơn ông/bà đã đánh giá" in text
        assert await page.evaluate("document.querySelector('.rating')") is None
        await page.screenshot(SCREENSHOTS / "citizen-page-rated-390.png")
    stored = await replica.container.cases.get(done)
    # All nine typed as 2, but the desk and publication indicators are computed at 1 each.
    assert stored is not None and stored.rating is not None and stored.rating.total_points == 16


async def _no_horizontal_scroll(page: Page) -> None:
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert await page.evaluate(overflow) == 0
