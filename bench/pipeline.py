"""Whole-pipeline benchmark: submissions offered at a fixed rate to intake over HTTP, and how long
each takes to reach the workflow's queue and the reporting's read model.

The four services run as uvicorn processes (as in the end-to-end tests) on the local stack's Kafka
and store, with their own databases and topic prefix, and notify sends to sinks run here. Load is
open-loop: submission ``i`` is sent at ``start + i / RATE`` whatever the earlier ones did, so a
service that falls behind shows as lag, not as a lower offered rate. The lag of a case is from
the moment its submission was due to be sent to the moment its document is seen in the other
service's store (polled every ``POLL_S``), so the time a submission waits for a connection counts.

    .venv/bin/python -m bench.pipeline            # 100 submissions/s for 20 s
    BENCH_RATE=50 BENCH_SECONDS=30 .venv/bin/python -m bench.pipeline
"""

import asyncio
import os
import secrets
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pymongo.asynchronous.collection import AsyncCollection

from devstack.sinks.running import running_sinks
from shared.auth import mint_token
from shared.mongo import Document, mongo_client
from shared.settings import ServiceSettings
from tests.e2e.running_services import database_of, running_services
from tests.unit.intake_fakes import dossier

RATE = float(os.environ.get("BENCH_RATE", "100"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
IN_FLIGHT = 64
POLL_S = 0.05
DRAIN_S = 60.0
TARGET_P99_S = 1.0


@dataclass
class Arrivals:
    """When each case was sent, and when each store was first seen to hold it."""

    sent: dict[str, float] = field(default_factory=dict)
    seen: dict[str, dict[str, float]] = field(default_factory=dict)

    def lags(self, where: str) -> list[float]:
        return [self.seen[where][c] - self.sent[c] for c in self.seen[where] if c in self.sent]


async def offer(intake: str, arrivals: Arrivals) -> tuple[int, float]:
    """Send RATE submissions a second for SECONDS; the count accepted and the rate achieved."""
    body = dossier()
    token = mint_token("bench.clerk", ["reception_clerk"], body["agency_code"])
    limits = httpx.Limits(max_connections=IN_FLIGHT)
    slots = asyncio.Semaphore(IN_FLIGHT)
    failures: list[str] = []

    async def submit(client: httpx.AsyncClient, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        async with slots:
            response = await client.post("/cases", json=body)
        if response.status_code != 201:
            failures.append(f"{response.status_code}: {response.text[:200]}")
            return
        # From when it was due to be sent: waiting for a free connection is part of the lag.
        arrivals.sent[response.json()["code"]] = at

    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=intake, limits=limits, timeout=30, headers=headers
    ) as client:
        start = time.perf_counter()
        count = int(RATE * SECONDS)
        await asyncio.gather(*(submit(client, start + i / RATE) for i in range(count)))
        seconds = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{len(failures)} submissions refused, e.g. {failures[0]}")
    return len(arrivals.sent), len(arrivals.sent) / seconds


async def watch(name: str, documents: AsyncCollection[Document], arrivals: Arrivals) -> None:
    """Note when each sent case first appears among ``documents`` (by ``_id`` = case code)."""
    seen = arrivals.seen.setdefault(name, {})
    while True:
        pending = [code for code in arrivals.sent if code not in seen]
        if pending:
            found = documents.find({"_id": {"$in": pending}}, {"_id": 1})
            now = time.perf_counter()
            async for doc in found:
                seen[doc["_id"]] = now
        await asyncio.sleep(POLL_S)


async def drained(arrivals: Arrivals, names: list[str]) -> None:
    deadline = time.perf_counter() + DRAIN_S
    while time.perf_counter() < deadline:
        if all(len(arrivals.seen.get(n, {})) >= len(arrivals.sent) for n in names):
            return
        await asyncio.sleep(0.2)


def summary(name: str, lags: list[float], offered: int) -> str:
    if len(lags) < 2:
        return f"{name}: {len(lags)} of {offered} arrived within {DRAIN_S:.0f} s after the load"
    p50, p99 = statistics.median(lags), statistics.quantiles(lags, n=100)[98]
    verdict = "meets" if p99 < TARGET_P99_S and len(lags) == offered else "misses"
    return (
        f"{name}: {len(lags)} of {offered}; lag p50 {p50 * 1000:,.0f} ms, "
        f"p99 {p99 * 1000:,.0f} ms, max {max(lags) * 1000:,.0f} ms "
        f"({verdict} p99 < {TARGET_P99_S:.0f} s)"
    )


async def main() -> None:
    tag = secrets.token_hex(4)
    settings = ServiceSettings(topic_prefix=f"bench-pipe-{tag}.", mongodb_database=f"pipe_{tag}")
    arrivals = Arrivals()
    # The services' logs and the sinks' inboxes stay there, to look into after a run.
    scratch = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    async with (
        running_sinks(scratch) as sinks,
        running_services(settings, sinks, scratch) as urls,
        mongo_client(settings) as client,
    ):
        stores = {
            "workflow queue": client[database_of(settings, "workflow")]["instances"],
            "reporting read model": client[database_of(settings, "reporting")]["cases_g1"],
        }
        watchers = [asyncio.create_task(watch(n, c, arrivals)) for n, c in stores.items()]
        offered, achieved = await offer(urls["intake"], arrivals)
        await drained(arrivals, list(stores))
        for task in watchers:
            task.cancel()
    print(f"logs and sinks in {scratch}")
    print(
        f"offered {RATE:.0f} submissions/s for {SECONDS:.0f} s: "
        f"{offered} accepted, {achieved:.1f}/s"
    )
    for name in stores:
        print(summary(name, arrivals.lags(name), offered))


if __name__ == "__main__":
    asyncio.run(main())
