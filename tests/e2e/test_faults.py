"""Fault tests: a burst of submissions in flight, one fault injected, then every effect counted.

Each test submits a burst of dossiers through intake's public API, injects one fault once a third
of them are in (kill -9 of a service, poison messages, the notification providers down, kill -9 of
the store or of Kafka), lets the system recover by itself, and counts per case code: the case in
intake, its instance in workflow, the case in the one-stop report, the receipt SMS and e-mail at the
sinks, the dead letters. Lost and duplicated must both be 0; the counts are printed.

The services run under ``devstack.keeper``, as the local stack runs them: a killed service comes
back without the test starting it. The store and Kafka are killed in a stack of their own (own
ports and data, started by this module), never the session's shared servers.
"""

import asyncio
import json
import os
import secrets
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from devstack.config import PORT_DEFAULTS, StackConfig
from devstack.kafka import Kafka
from devstack.sinks.running import RunningSinks, running_sinks
from devstack.stack import Stack
from devstack.store import SecantusDB
from shared.settings import ServiceSettings
from tests.e2e.fault_support import (
    CONSUMING,
    Burst,
    FaultSystem,
    KeptService,
    burst,
    check,
    dead_letter_records,
    fault_system,
    kept_services,
    mongo_client,
    ready,
    settle,
    until_ready,
)
from tests.e2e.running_services import free_port
from tests.polling import eventually

pytestmark = pytest.mark.fault

BURST = 30
OUTAGE_TIMEOUT_S = 60.0


@pytest.fixture(scope="module")
async def system(
    settings: ServiceSettings,
    sinks: RunningSinks,
    http: httpx.AsyncClient,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[FaultSystem]:
    logs = tmp_path_factory.mktemp("fault-logs")
    async with kept_services(settings, sinks, logs) as services:
        yield await fault_system(services, settings, sinks, http, logs)


async def recovered(system: FaultSystem, started: float) -> float:
    """Wait until every service answers ready again; the seconds since ``started``."""
    await eventually(
        system.all_ready,
        what=f"every service ready again (logs in {system.logs})",
        timeout_s=120,
        interval_s=0.2,
    )
    return time.monotonic() - started


# --- kill -9 of a service -------------------------------------------------------------------


async def test_every_service_killed_mid_burst_comes_back_and_loses_nothing(
    system: FaultSystem, mongo: AsyncMongoClient, request: pytest.FixtureRequest
) -> None:
    """The four at once, as when their host goes down: each has events or requests in flight."""

    async def restarted(kept: KeptService, killed: int) -> str:
        started = time.monotonic()

        async def new_pid() -> int | None:
            pid = kept.server_pid()
            return pid if pid not in (None, killed) else None

        # Brought back by its keeper, not by this test.
        again = await eventually(new_pid, what=f"{kept.name} restarted by its keeper", timeout_s=60)
        await until_ready(system.http, kept, system.logs)
        return f"{kept.name} pid {killed} -> {again} ready {time.monotonic() - started:.1f} s later"

    async def kill(made: Burst) -> list[str]:
        services = [system.services[name] for name in (*CONSUMING, "intake")]
        killed = await asyncio.gather(*(kept.kill_server() for kept in services))
        return await asyncio.gather(*map(restarted, services, killed))

    made, back = await burst_with(system, kill)
    counts = await settle(system, made, mongo)
    check(
        request.config,
        "kill -9 of intake, workflow, notify and reporting at once",
        counts,
        f"; {', '.join(back)}, "
        f"{made.retries} client retries ({made.send_again} of them after a 409 'send again'), "
        f"burst submitted in {made.submitted_s:.1f} s",
    )


async def burst_with(system: FaultSystem, fault: Any) -> tuple[Burst, Any]:
    return await burst(system, BURST, fault)


# --- poison messages ------------------------------------------------------------------------

# Kafka's default message.max.bytes is 1,048,588 bytes per record batch.
NEAR_LIMIT = 1_048_000


def poisons(settings: ServiceSettings) -> dict[str, tuple[bytes, list[tuple[str, bytes]]]]:
    """Kind -> (value, headers) of one message no consumer can read."""
    envelope = {
        "specversion": "1.0",
        "id": "5f0c7b8e-2f1d-4d7e-9c43-8a1e5b2d9f10",
        "source": "/intake",
        "type": "vn.onestop.case-teleported.v1",
        "subject": "POISON-1",
        "time": "2026-01-05T08:00:00+07:00",
        "datacontenttype": "application/json",
        "dataschema": "https://example.invalid/none",
        "data": {"case_code": "POISON-1"},
    }
    wrong_schema = envelope | {
        "type": "vn.onestop.case-submitted.v1",
        "data": {"case_code": "POISON-1", "applicant": "nobody"},
    }
    padding = b'{"specversion":"1.0","padding":"' + b"x" * NEAR_LIMIT + b'"}'
    return {
        "invalid-utf8": (b'{"specversion":"1.0","type":"\xff\xfe\xc3"}', []),
        "deep-nesting": (b"[" * 200_000, []),
        "oversized-value": (padding[: NEAR_LIMIT - 2] + b'"}', []),
        "unknown-type": (json.dumps(envelope).encode(), []),
        "wrong-schema": (json.dumps(wrong_schema).encode(), []),
        "oversized-headers": (b"{}", [("x-padding", b"h" * (NEAR_LIMIT - 100))]),
    }


async def test_poison_messages_mid_burst_end_on_the_dead_letter_topic(
    system: FaultSystem,
    mongo: AsyncMongoClient,
    settings: ServiceSettings,
    request: pytest.FixtureRequest,
) -> None:
    pids = {name: kept.server_pid() for name, kept in system.services.items()}
    kinds = poisons(settings)
    token = secrets.token_hex(3)

    async def poison(made: Burst) -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap_servers, max_request_size=2 * NEAR_LIMIT
        )
        await producer.start()
        try:
            for kind, (value, headers) in kinds.items():
                await producer.send_and_wait(
                    settings.topic("case-submitted"),
                    value,
                    key=f"poison-{token}-{kind}".encode(),
                    headers=headers,
                )
        finally:
            await producer.stop()

    made, _ = await burst_with(system, poison)
    counts = await settle(system, made, mongo)

    groups = {f"{settings.topic_prefix}{service}" for service in CONSUMING}
    expected = {(f"poison-{token}-{kind}", group) for kind in kinds for group in groups}

    async def parked() -> Counter[tuple[str, str]]:
        found: Counter[tuple[str, str]] = Counter()
        for record in await dead_letter_records(settings):
            headers = dict(record.headers or ())
            key = record.key.decode(errors="replace") if record.key else "(none)"
            found[(key, headers.get("dlq_consumer_group", b"?").decode())] += 1
        return found

    dead = await eventually(
        parked,
        until=lambda found: set(found) >= expected,
        what="every poison on case-submitted.dlq, once per consumer group",
        timeout_s=60,
    )
    readiness = {name: await ready(system.http, kept.url) for name, kept in system.services.items()}
    still = {name: kept.server_pid() for name, kept in system.services.items()}
    per_kind = Counter(key.rpartition("-")[2] for key, _ in dead)
    check(
        request.config,
        "poison messages on case-submitted",
        counts,
        f"; poison offered {len(kinds)} ({', '.join(kinds)}), dead-lettered "
        f"{sum(dead.values())} ({len(groups)} consumer groups each), /readyz {readiness}",
    )
    # Each poison once per consumer group of case-submitted, and nothing else dead-lettered.
    assert dict(dead) == dict.fromkeys(expected, 1), per_kind
    assert all(readiness.values()), readiness
    assert still == pids, "a service restarted on a poison message"


# --- the notification providers down --------------------------------------------------------


async def test_smtp_and_sms_sinks_down_mid_burst_then_each_message_sent_once(
    system: FaultSystem, mongo: AsyncMongoClient, request: pytest.FixtureRequest
) -> None:
    sinks = system.sinks
    failures: dict[str, int] = {}

    async def outage(made: Burst) -> None:
        await sinks.smtp.stop()
        await sinks.fail_sms(1_000_000)
        try:
            # Down until the burst is in and every case has a delivery not yet sent that has
            # failed at least once on each channel: the outage is felt, not assumed.
            await eventually(
                lambda: _async_bool(made.complete), what="the burst submitted", timeout_s=120
            )
            late = await eventually(
                lambda: _failed_deliveries(system, made),
                until=lambda found: found["sms"] > 0 and found["email"] > 0,
                what="failed attempts on both channels while the sinks are down",
                timeout_s=OUTAGE_TIMEOUT_S,
            )
            failures.update(late)
        finally:
            await sinks.fail_sms(0)
            await sinks.smtp.start()

    made, _ = await burst_with(system, outage)
    counts = await settle(system, made, mongo)
    check(
        request.config,
        "SMTP sink and SMS gateway down",
        counts,
        f"; deliveries that failed while down: {failures}",
    )


async def _async_bool(value: bool) -> bool:
    return value


async def _failed_deliveries(system: FaultSystem, made: Burst) -> Counter[str]:
    found: Counter[str] = Counter()
    for code in made.all_codes:
        response = await system.http.get(
            system.url("notify", f"/cases/{code}/deliveries"),
        )
        if response.status_code != 200:
            continue
        for delivery in response.json():
            if delivery["status"] == "retrying" and delivery["attempts"] >= 1:
                found[delivery["channel"]] += 1
    return found


# --- kill -9 of the store and of Kafka, in a stack of this module's own ----------------------


class PrivateServers:
    """Kafka and SecantusDB on their own ports and data folder, for this module alone."""

    def __init__(self, data_dir: Path) -> None:
        ports = {name: free_port() for name in PORT_DEFAULTS}
        self.stack = Stack(
            StackConfig.from_env(data_dir=data_dir, ports=ports),
            (Kafka, SecantusDB),
            records_environment=False,
        )

    def component(self, name: str) -> Any:
        return next(c for c in self.stack.components if c.name == name)

    async def up(self) -> Any:
        return await asyncio.to_thread(self.stack.up)

    async def down(self) -> None:
        await asyncio.to_thread(self.stack.down)


@pytest.fixture(scope="module")
async def private(
    settings: ServiceSettings,
    http: httpx.AsyncClient,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[FaultSystem, PrivateServers]]:
    servers = PrivateServers(tmp_path_factory.mktemp("fault-servers"))
    logs = tmp_path_factory.mktemp("fault-logs-private")
    try:
        endpoints = await servers.up()
        own = settings.model_copy(
            update={
                "kafka_bootstrap_servers": endpoints.kafka_bootstrap_servers,
                "mongodb_uri": endpoints.mongodb_uri,
            }
        )
        # Sinks of their own too: case numbers start over in another store, and would be
        # mistaken for the first system's at the shared sinks.
        async with (
            running_sinks(tmp_path_factory.mktemp("fault-sinks-private")) as sinks,
            kept_services(own, sinks, logs) as services,
        ):
            yield await fault_system(services, own, sinks, http, logs), servers
    finally:
        await servers.down()


@pytest.mark.parametrize("server", ["store", "kafka"])
async def test_the_store_or_kafka_killed_mid_burst_then_restarted_loses_nothing(
    private: tuple[FaultSystem, PrivateServers], server: str, request: pytest.FixtureRequest
) -> None:
    system, servers = private
    component = servers.component({"store": SecantusDB.name, "kafka": Kafka.name}[server])
    seen: dict[str, Any] = {}

    async def kill(made: Burst) -> None:
        started = time.monotonic()
        os.kill(component.process.pid(), signal.SIGKILL)
        # Down until a service notices (its /readyz says so), then started again.
        noticed = await eventually(
            lambda: _not_ready(system),
            what=f"a service to notice that {server} is down",
            timeout_s=OUTAGE_TIMEOUT_S,
            interval_s=0.1,
        )
        seen["noticed"] = noticed
        seen["down_s"] = time.monotonic() - started
        await servers.up()
        seen["back_s"] = await recovered(system, started)

    async with mongo_client(system.settings) as mongo:
        made, _ = await burst_with(system, kill)
        counts = await settle(system, made, mongo)
    check(
        request.config,
        f"kill -9 {server}",
        counts,
        f"; noticed by {seen['noticed']} after {seen['down_s']:.1f} s, every service ready "
        f"{seen['back_s']:.1f} s after the kill, {made.retries} client retries",
    )


async def _not_ready(system: FaultSystem) -> list[str]:
    return [name for name, s in system.services.items() if not await ready(system.http, s.url)]
