"""What the intake service's integration tests share: the app on the real servers, polling
with a deadline, reading what was published."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
import pytest

from services.intake.entrypoints.app import create_app
from services.intake.settings import IntakeSettings
from shared.clock import Clock
from shared.events.codec import decode
from shared.events.envelope import Envelope
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings

DEADLINE_S = 30
CLERK = {"X-Officer-Id": "tn.lan", "X-Officer-Role": "reception_clerk"}
T = TypeVar("T")


def intake_settings(settings: ServiceSettings, **changes: Any) -> IntakeSettings:
    return IntakeSettings(**{**settings.model_dump(), "outbox_poll_interval_s": 0.05, **changes})


@asynccontextmanager
async def intake_client(settings: IntakeSettings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """The service's app, started (container, relay, consumer) and driven in-process."""
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield client


async def eventually(probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], what: str) -> T:
    """Poll ``probe`` until ``done`` holds for its result; fail at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while True:
        value = await probe()
        if done(value):
            return value
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {what}; last value: {value!r}")
        await asyncio.sleep(0.2)


async def published(settings: ServiceSettings, topic: str) -> list[Envelope]:
    return [decode(r.value, topic=topic) for r in await read_topic(settings, topic)]
