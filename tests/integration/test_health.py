"""/healthz and /readyz of the services against the real broker and MongoDB-wire server."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import import_module

import httpx
import pytest
from fastapi import FastAPI

from shared.http import HttpSettings, create_service_app
from shared.http.container import open_container
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration

SERVICES = ["intake", "workflow", "notify", "reporting"]
# Port 1 is privileged and never served on a developer's or CI's machine.
NOWHERE = "mongodb://127.0.0.1:1/"


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app started (its lifespan opened the real connections) and a client to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
            yield http


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_whose_servers_answer_is_ready(
    service: str, settings: ServiceSettings
) -> None:
    entrypoint = import_module(f"services.{service}.entrypoints.app")
    settings_type = type(entrypoint.app.state.settings)
    # The service keeps its name (its consumer group); servers, database, topics are the test's.
    app = entrypoint.create_app(settings_type(**settings.model_dump(exclude={"service_name"})))
    async with serving(app) as http:
        response = await http.get("/readyz")
    assert response.status_code == 200, response.json()
    statuses = {name: check["status"] for name, check in response.json()["checks"].items()}
    assert statuses.items() >= {"mongodb": "ok", "kafka": "ok"}.items()


async def test_a_wrong_database_address_is_not_ready_and_names_the_database(
    settings: ServiceSettings,
) -> None:
    wrong = HttpSettings(
        **{**settings.model_dump(), "mongodb_uri": NOWHERE, "readiness_timeout_s": 1.0}
    )
    app = create_service_app(wrong, title="health test", access={}, bootstrap=open_container)
    async with serving(app) as http:
        ready = await http.get("/readyz")
        alive = await http.get("/healthz")
    assert ready.status_code == 503
    body = ready.json()
    assert body["failed"] == ["mongodb"]
    assert body["checks"]["kafka"]["status"] == "ok"
    assert body["checks"]["mongodb"]["status"] == "failed"
    # Liveness does not depend on the database: restarting the process would not bring it back.
    assert alive.status_code == 200
