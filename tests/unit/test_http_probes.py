"""What ops watch: /healthz, /readyz over faked dependencies, the container lifespan, the probe."""

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from fastapi import FastAPI

from shared.http import HttpSettings, ReadinessCheck, create_app, create_service_app
from shared.observability import probe

pytestmark = pytest.mark.unit


def settings(timeout_s: float = 1.0) -> HttpSettings:
    return HttpSettings(service_name="probe-test", readiness_timeout_s=timeout_s)


async def answers() -> None:
    return None


async def refuses() -> None:
    raise ConnectionRefusedError("connect to 127.0.0.1:1 refused")


async def hangs() -> None:
    await asyncio.Event().wait()


async def get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.get(path)


async def test_healthz_answers_without_asking_any_dependency() -> None:
    app = create_app(settings(), title="t", access={}, readiness_checks={"kafka": hangs})
    response = await get(app, "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "probe-test"}


async def test_readyz_is_200_with_each_check_when_all_answer() -> None:
    app = create_app(
        settings(), title="t", access={}, readiness_checks={"kafka": answers, "mongodb": answers}
    )
    response = await get(app, "/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "kafka": "ok",
        "mongodb": "ok",
    }


async def test_readyz_is_503_naming_the_dependency_that_failed() -> None:
    app = create_app(
        settings(), title="t", access={}, readiness_checks={"kafka": answers, "mongodb": refuses}
    )
    response = await get(app, "/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["failed"] == ["mongodb"]
    assert body["checks"]["kafka"]["status"] == "ok"
    assert body["checks"]["mongodb"]["error"] == (
        "ConnectionRefusedError: connect to 127.0.0.1:1 refused"
    )


async def test_a_dependency_that_never_answers_fails_by_the_timeout() -> None:
    app = create_app(settings(0.05), title="t", access={}, readiness_checks={"kafka": hangs})
    response = await get(app, "/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["kafka"]["error"] == "no answer within 0.05 s"


async def test_checks_run_concurrently() -> None:
    # "first" can only finish once "second" has started: run one after the other, it times out.
    started = asyncio.Event()

    async def first() -> None:
        await started.wait()

    async def second() -> None:
        started.set()

    app = create_app(
        settings(), title="t", access={}, readiness_checks={"first": first, "second": second}
    )
    response = await get(app, "/readyz")
    assert response.status_code == 200, response.json()


@dataclass
class FakeContainer:
    checks: dict[str, ReadinessCheck]
    closed: bool = False

    @property
    def readiness_checks(self) -> Mapping[str, ReadinessCheck]:
        return self.checks


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Starting an app configures process-wide JSON logging; give pytest its handlers back."""
    loggers = [logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.access")]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    yield
    for logger, handlers, level, propagate in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


@pytest.mark.usefixtures("restore_logging")
async def test_a_service_app_opens_its_container_for_its_life_and_asks_its_checks() -> None:
    container = FakeContainer({"mongodb": answers, "kafka": refuses})

    @asynccontextmanager
    async def bootstrap(given: HttpSettings) -> AsyncIterator[FakeContainer]:
        assert given.service_name == "probe-test"
        yield container
        container.closed = True

    app = create_service_app(settings(), title="t", access={}, bootstrap=bootstrap)
    async with app.router.lifespan_context(app):
        assert app.state.container is container
        response = await get(app, "/readyz")
        assert not container.closed
    assert container.closed
    assert response.status_code == 503
    assert response.json()["failed"] == ["kafka"]


class Answers(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads exit codes, not the server's log."""


@pytest.fixture
def http_server() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


def test_the_container_probe_exits_0_only_on_a_2xx_answer(
    http_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", str(http_server))
    assert probe.main(["probe", "/healthz"]) == 0
    assert probe.main(["probe", "/readyz"]) == 1


def test_the_container_probe_fails_when_nothing_listens() -> None:
    # Port 1 is privileged and unused on a developer's or CI's machine.
    assert not probe.probe("http://127.0.0.1:1/healthz", timeout_s=1.0)
