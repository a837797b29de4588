"""Register pages on the real broker and store: repeated and concurrent pages record each entry
once, and their numbers never collide with the desk's of the same agency and day."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from services.intake.settings import IntakeSettings
from shared.calendar import LOCAL_TZ
from shared.clock import ManualClock
from shared.settings import ServiceSettings
from tests.integration.intake_support import intake_client, intake_settings, published
from tests.polling import eventually
from tests.tokens import bearer
from tests.unit.intake_fakes import COMMUNE, PROCEDURE, dossier

pytestmark = pytest.mark.integration
ADMIN = bearer("admin", "SNV")
# Thursday 17 July 2025: the desk receives from 09:00; the register's entries are of the morning.
DAY = datetime(2025, 7, 17, 9, tzinfo=LOCAL_TZ)


def entry(number: int) -> dict[str, Any]:
    return {
        "register_entry": f"2025/{number:04d}",
        "procedure_code": PROCEDURE,
        "agency_code": COMMUNE,
        "received_at": DAY.replace(hour=7, minute=number).isoformat(),
        "due_at": DAY.replace(hour=16).isoformat(),
        "outcome": "rejected",
        "resolved_at": DAY.replace(hour=8, minute=number).isoformat(),
    }


@pytest.fixture(scope="module")
def service_settings(settings: ServiceSettings) -> IntakeSettings:
    return intake_settings(settings)


@pytest.fixture(scope="module")
async def replicas(
    service_settings: IntakeSettings,
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    clock = ManualClock(DAY)
    async with (
        intake_client(service_settings, clock) as one,
        intake_client(service_settings, clock) as two,
    ):
        yield one, two


async def recorded_codes(settings: ServiceSettings) -> Counter[str]:
    return Counter(e.subject for e in await published(settings, "case-recorded"))


async def test_a_page_sent_ten_times_at_once_on_two_replicas_is_recorded_once(
    replicas: tuple[httpx.AsyncClient, httpx.AsyncClient], service_settings: IntakeSettings
) -> None:
    page = {"entries": [entry(n) for n in (1, 2, 3)]}
    url = "/register-entries"
    responses = await asyncio.gather(
        *(replicas[i % 2].post(url, json=page, headers=ADMIN) for i in range(10))
    )
    assert sorted(r.status_code for r in responses) == [200] * 9 + [201]
    pages = {tuple(e["case_code"] for e in r.json()["entries"]) for r in responses}
    [codes] = pages
    assert sorted(codes) == [f"{COMMUNE}-250717-{n:04d}" for n in (1, 2, 3)]
    seen = await eventually(
        lambda: recorded_codes(service_settings),
        until=lambda seen: set(codes) <= set(seen),
        what="the three case-recorded events",
    )
    assert [seen[code] for code in codes] == [1, 1, 1]


async def test_a_page_beside_the_desks_receptions_of_its_day_shares_their_numbers(
    replicas: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    one, two = replicas
    clerk = bearer("reception_clerk", COMMUNE)
    page = {"entries": [entry(n) for n in range(10, 20)]}
    answers = await asyncio.gather(
        one.post("/register-entries", json=page, headers=ADMIN),
        *(two.post("/cases", json=dossier(), headers=clerk) for _ in range(20)),
    )
    assert [a.status_code for a in answers] == [201] + [201] * 20
    recorded = [e["case_code"] for e in answers[0].json()["entries"]]
    received = [a.json()["code"] for a in answers[1:]]
    codes = recorded + received
    assert len(set(codes)) == 30
    # The register page is one commit, so its numbers are consecutive; none is used twice.
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in recorded)
    assert numbers == list(range(numbers[0], numbers[0] + 10))
