"""Intake benchmark: accepted submissions per second (stored AND published) and p50/p99 latency at
a fixed concurrency, next to its ceiling measured in the same run: a bare FastAPI endpoint doing
one insert into the same MongoDB-wire server (bench/intake_ceiling_app.py).

Both run under uvicorn in subprocesses, against the local stack (or KAFKA_BOOTSTRAP_SERVERS /
MONGODB_URI); the load is an httpx loop of CONCURRENCY workers for DURATION_S seconds each.

    .venv/bin/python -m bench.intake_submissions
"""

import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from aiokafka.admin import AIOKafkaAdminClient

from shared.auth import mint_token
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.unit.intake_fakes import dossier

CONCURRENCY = 16
DURATION_S = 10.0
PUBLISH_DEADLINE_S = 30.0
KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
MONGODB = os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27018/")
INTAKE_PORT, CEILING_PORT = 18101, 18102


@dataclass(frozen=True)
class Run:
    accepted: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.accepted / self.seconds

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[p - 1]

    def line(self, name: str) -> str:
        return (
            f"{name:<34} {self.per_second:8.1f} /s   p50 {self.percentile(50):7.1f} ms"
            f"   p99 {self.percentile(99):7.1f} ms   ({self.accepted} in {self.seconds:.1f} s)"
        )


@contextmanager
def uvicorn(app: str, port: int, env: dict[str, str]) -> Iterator[str]:
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, env={**os.environ, **env})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


async def until_ready(base: str, path: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        async with asyncio.timeout(60):
            while True:
                try:
                    if (await client.get(path)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)


async def load(base: str, body: dict) -> Run:
    latencies: list[float] = []
    started = time.perf_counter()
    stop_at = started + DURATION_S

    async def worker(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < stop_at:
            sent = time.perf_counter()
            response = await client.post("/cases", json=body)
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code}: {response.text}")
            latencies.append((time.perf_counter() - sent) * 1000)

    limits = httpx.Limits(max_connections=CONCURRENCY)
    # The desk's clerk, as the service requires (the ceiling app reads no token, as a bare app).
    token = mint_token("bench.clerk", ["reception_clerk"], body["agency_code"])
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=30, headers=headers
    ) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
    return Run(len(latencies), time.perf_counter() - started, latencies)


async def until_published(settings: ServiceSettings, expected: int) -> int:
    """How many accepted cases are on the topic once all are, or at the deadline."""
    deadline = time.perf_counter() + PUBLISH_DEADLINE_S
    while True:
        published = len(await read_topic(settings, "case-submitted"))
        if published >= expected or time.perf_counter() > deadline:
            return published
        await asyncio.sleep(0.2)


async def intake_run(database: str, prefix: str) -> tuple[Run, Run]:
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": KAFKA,
        "MONGODB_URI": MONGODB,
        "MONGODB_DATABASE": database,
        "TOPIC_PREFIX": prefix,
        "LOG_LEVEL": "WARNING",
    }
    with uvicorn("services.intake.entrypoints.app:app", INTAKE_PORT, env) as base:
        await until_ready(base, "/readyz")
        started = time.perf_counter()
        run = await load(base, dossier())
        topics = ServiceSettings(kafka_bootstrap_servers=KAFKA, topic_prefix=prefix)
        published = await until_published(topics, run.accepted)
        seconds = time.perf_counter() - started
    # A case counts once it is on the topic: the rate of cases stored AND published.
    return run, Run(published, seconds, run.latencies_ms)


async def ceiling_run(database: str) -> Run:
    env = {"MONGODB_URI": MONGODB, "MONGODB_DATABASE": database}
    with uvicorn("bench.intake_ceiling_app:app", CEILING_PORT, env) as base:
        await until_ready(base, "/healthz")
        return await load(base, dossier())


async def cleanup(prefix: str) -> None:
    # The databases stay (dropping one can hang SecantusDB: devstack/store/secantus.py).
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()


async def main() -> None:
    token = secrets.token_hex(4)
    intake_db, ceiling_db = f"bench_intake_{token}", f"bench_ceiling_{token}"
    prefix = f"bench-{token}."
    try:
        ceiling = await ceiling_run(ceiling_db)
        stored, published = await intake_run(intake_db, prefix)
    finally:
        await cleanup(prefix)
    print(f"concurrency {CONCURRENCY}, {DURATION_S:.0f} s of load each")
    print(ceiling.line("ceiling: bare FastAPI + one insert"))
    print(stored.line("intake: accepted and stored"))
    print(published.line("intake: accepted, stored, published"))
    ratio = published.per_second / ceiling.per_second
    print(f"intake (published) / ceiling: {ratio:.0%} (target: at least 50%)")


if __name__ == "__main__":
    asyncio.run(main())
