"""What the intake service's integration tests share: the app on the real servers and reading
what was published."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from services.intake.domain.catalogue import Catalogue
from services.intake.entrypoints.app import create_app
from services.intake.settings import IntakeSettings
from shared.clock import Clock
from shared.events.codec import decode
from shared.events.envelope import Envelope
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.tokens import bearer
from tests.unit.intake_fakes import COMMUNE

# The commune's desk, where ``dossier()`` submits: every client acts as its clerk by default.
CLERK = bearer("reception_clerk", COMMUNE, "tn.lan")


def intake_settings(settings: ServiceSettings, **changes: Any) -> IntakeSettings:
    # Tests poll the citizen lookup: the citizens' limits are tested on their own.
    generous = {"rate_limit_per_client": 10_000, "rate_limit_per_case": 10_000}
    return IntakeSettings(
        **{**settings.model_dump(), "outbox_poll_interval_s": 0.05, **generous, **changes}
    )


@asynccontextmanager
async def intake_client(
    settings: IntakeSettings, clock: Clock, catalogue: Catalogue | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The service's app, started (container, relay, consumer) and driven in-process; on its own
    catalogue data unless ``catalogue`` is given."""
    app = create_app(settings, clock=clock, catalogue=catalogue)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://intake", headers=CLERK
        ) as client:
            yield client


async def published(settings: ServiceSettings, topic: str) -> list[Envelope]:
    return [decode(r.value, topic=topic) for r in await read_topic(settings, topic)]
