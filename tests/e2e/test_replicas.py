"""Two replicas of every service, as ops scale the system out: each replica on a port of its own
(requests go to each in turn, as behind a balancer), both on the service's database and in its
consumer group. Identical requests spread over both end in one effect; with one replica of each
service killed for good mid-burst, the other takes its partitions over and nothing is lost or
doubled. The counts are printed.

The tests run in this order: the second kills the replicas the first spreads its requests over.
"""

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from devstack.sinks.running import RunningSinks
from services.notify.settings import NotifySettings
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.e2e.fault_support import (
    Burst,
    FaultSystem,
    burst,
    check,
    dossier,
    fault_system,
    kept_services,
    say,
    settle,
    submit,
    today,
)
from tests.polling import eventually
from tests.tokens import bearer

pytestmark = pytest.mark.fault
BURST = 30
SAME = 20
# The bound for a survivor to take a killed replica's partitions over and catch up; a
# message the killed notify had claimed waits out its claim's lease besides (so that a send still
# in flight is never made twice).
TAKEOVER_LIMIT_S = 60.0 + NotifySettings().notify_claim_lease_s


@pytest.fixture(scope="module")
async def system(
    settings: ServiceSettings,
    sinks: RunningSinks,
    http: httpx.AsyncClient,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[FaultSystem]:
    logs = tmp_path_factory.mktemp("replica-logs")
    async with (
        kept_services(settings, sinks, logs, ".a") as first,
        kept_services(settings, sinks, logs, ".b") as second,
    ):
        both = await fault_system(first, settings, sinks, http, logs)
        both.replicas = {name: [replica] for name, replica in second.items()}
        yield both


async def test_identical_requests_spread_over_two_replicas_end_in_one_effect(
    system: FaultSystem, mongo: AsyncMongoClient, request: pytest.FixtureRequest
) -> None:
    assert all(system.replicas.values()), "both replicas of every service are up"
    made = await twenty_posts_with_one_key(system)
    [code] = made.all_codes
    counts = await settle(system, made, mongo)
    check(request.config, f"{SAME} POSTs with one key over two intake replicas", counts)
    statuses, added, events = await twenty_identical_completions(system, code)
    say(
        request.config,
        f"replicas [{SAME} identical step completions over two workflow replicas]: answers "
        f"{sorted(statuses)}, history entries added {added}, step-completed events {events}",
    )
    assert statuses.count(200) == 1 and all(s == 409 for s in statuses if s != 200), statuses
    assert (added, events) == (1, 1)


async def twenty_posts_with_one_key(system: FaultSystem) -> Burst:
    """One dossier POSTed ``SAME`` times at once with one key, turn by turn to each replica."""
    procedure = system.procedure()
    key = f"replica-{secrets.token_hex(4)}"
    body = dossier(system, procedure, int.from_bytes(secrets.token_bytes(3)))
    made = Burst(procedure["code"], [key] * SAME)
    made.first_day = today()
    await asyncio.gather(*(submit(system, made, i, body) for i in range(SAME)))
    # Counted as what it is: one dossier offered once, whatever the retries.
    return Burst(made.procedure, [key], made.codes, made.first_day)


async def twenty_identical_completions(
    system: FaultSystem, code: str
) -> tuple[list[int], int, int]:
    """The officer at the case's step claims it, then completes the step ``SAME`` times at once,
    turn by turn on each workflow replica: the answers, the history entries added, the events."""
    case = await eventually(lambda: workflow_case(system, code), what=f"{code} in workflow's queue")
    assert case is not None
    officer = bearer(case["step"]["role"], case["current_agency_code"], "replica.officer")
    claimed = await system.http.post(
        system.url("workflow", f"/cases/{code}/claim"), headers=officer
    )
    assert claimed.status_code == 200, claimed.text
    before = len(claimed.json()["history"])
    note = {"note": "Hồ sơ đủ điều kiện"}
    answers = await asyncio.gather(
        *(
            system.http.post(
                system.url("workflow", f"/cases/{code}/steps/complete"), headers=officer, json=note
            )
            for _ in range(SAME)
        )
    )
    after = await workflow_case(system, code)
    assert after is not None
    events = await eventually(
        lambda: step_completions(system, code), until=lambda n: n >= 1, what="step-completed"
    )
    return [r.status_code for r in answers], len(after["history"]) - before, events


async def workflow_case(system: FaultSystem, code: str) -> dict[str, Any] | None:
    response = await system.http.get(system.url("workflow", f"/cases/{code}"))
    return response.json() if response.status_code == 200 else None


async def step_completions(system: FaultSystem, code: str) -> int:
    records = await read_topic(system.settings, "step-completed")
    return sum(1 for r in records if r.key == code.encode())


async def test_one_replica_of_each_service_killed_for_good_mid_burst_the_other_takes_over(
    system: FaultSystem, mongo: AsyncMongoClient, request: pytest.FixtureRequest
) -> None:
    async def kill_the_second_replicas(made: Burst) -> float:
        killed = [replica for replicas in system.replicas.values() for replica in replicas]
        system.replicas = {}  # the balancer stops sending them requests
        started = time.monotonic()
        await asyncio.gather(*(replica.kill_for_good() for replica in killed))
        return started

    made, killed_at = await burst(system, BURST, kill_the_second_replicas)
    counts = await settle(system, made, mongo)
    took_over_s = time.monotonic() - killed_at
    check(
        request.config,
        "two replicas of every service, one of each killed for good",
        counts,
        f"; every effect in place {took_over_s:.1f} s after the kill, {made.retries} client "
        f"retries",
    )
    assert took_over_s < TAKEOVER_LIMIT_S + made.submitted_s
