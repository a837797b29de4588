"""The fault tests' harness: kept services, a burst of submissions, faults, and the counts after.

The services run the way the local stack runs them, each under ``devstack.keeper``: a service killed
with -9 is started again by its keeper, not by the test. A burst submits dossiers through intake's
public API (each with its own ``Idempotency-Key``, retried with the same key on a transport error or
a 5xx, as a client that never got its answer would), the fault is injected once part of the burst
is in, and afterwards every effect is counted per case code: the case in intake, the instance in
workflow, the case in the report, each notification at the sinks, and the dead letters.
"""

import asyncio
import contextlib
import os
import secrets
import signal
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from devstack.demo import receivable
from devstack.services import kept_command
from devstack.sinks.running import RunningSinks
from shared.calendar import local_date
from shared.kafka.connection import client_options
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.e2e.running_services import HOST, SERVICES, database_of, environment, free_port
from tests.polling import eventually
from tests.tokens import bearer

Json = dict[str, Any]
READY_TIMEOUT_S = 90.0
# How long a burst's cases may take to cross the system once the fault is over.
SETTLE_TIMEOUT_S = 180.0
SUBMIT_TIMEOUT_S = 180.0
CONCURRENCY = 4
STOP_TIMEOUT_S = 40.0
CONSUMING = ("workflow", "notify", "reporting")
FINAL_DELIVERY = {"sent", "dead", "failed", "skipped"}

# Faster provider retries than production's (2 s doubling to 300 s, 6 attempts), and more of
# them, so that an outage of the sinks ends in retries within the test's patience, not in the
# dead letters of notify.
FAULT_ENVIRONMENT = {
    "NOTIFY_BACKOFF_INITIAL_S": "0.5",
    "NOTIFY_BACKOFF_MAX_S": "4",
    "NOTIFY_MAX_ATTEMPTS": "40",
}


# --- services under keepers -----------------------------------------------------------------


@dataclass
class KeptService:
    """One service's keeper process; the keeper's child is the uvicorn server."""

    name: str
    url: str
    keeper: asyncio.subprocess.Process

    def server_pid(self) -> int | None:
        """The pid of the keeper's current child, or None between a death and the restart."""
        return next(iter(_children(self.keeper.pid)), None)

    async def kill_server(self) -> int:
        """SIGKILL the server (not its keeper); return the pid killed."""
        pid = await eventually(
            lambda: _async(self.server_pid()), what=f"{self.name}'s server process"
        )
        os.kill(pid, signal.SIGKILL)
        return pid

    async def kill_for_good(self) -> None:
        """SIGKILL the keeper, then its server: nothing brings this replica back."""
        server = await eventually(
            lambda: _async(self.server_pid()), what=f"{self.name}'s server process"
        )
        self.keeper.kill()
        await self.keeper.wait()
        os.kill(server, signal.SIGKILL)


async def _async(value: Any) -> Any:
    return value


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its closing ")".
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 1 and fields[1] == str(pid) and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@asynccontextmanager
async def kept_services(
    settings: ServiceSettings, sinks: RunningSinks, logs: Path, replica: str = ""
) -> AsyncIterator[dict[str, KeptService]]:
    """The four services, each under ``devstack.keeper`` as the local stack runs them; with a
    ``replica`` name, their logs are that replica's."""
    kept: dict[str, KeptService] = {}
    try:
        for service in SERVICES:
            kept[service] = await start_kept(settings, sinks, logs, service, replica)
        async with httpx.AsyncClient(timeout=2) as client:
            for one in kept.values():
                await until_ready(client, one, logs)
        yield kept
    finally:
        await asyncio.gather(*(stop_kept(s) for s in kept.values()))


async def start_kept(
    settings: ServiceSettings, sinks: RunningSinks, logs: Path, service: str, replica: str = ""
) -> KeptService:
    """One service under its keeper, on a port of its own (not waited for)."""
    port = free_port()
    with (logs / f"{service}{replica}.log").open("ab") as log:
        keeper = await asyncio.create_subprocess_exec(
            *kept_command(service, HOST, port),
            env={**environment(settings, sinks, service), **FAULT_ENVIRONMENT},
            stdout=log,
            stderr=log,
        )
    return KeptService(f"{service}{replica}", f"http://{HOST}:{port}", keeper)


async def until_ready(
    client: httpx.AsyncClient, service: KeptService, logs: Path, timeout_s: float = READY_TIMEOUT_S
) -> None:
    await eventually(
        lambda: ready(client, service.url),
        what=f"{service.name} to be ready (log in {logs})",
        timeout_s=timeout_s,
    )


async def ready(client: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await client.get(f"{url}/readyz")).status_code == 200
    except httpx.TransportError:
        return False


async def stop_kept(service: KeptService) -> None:
    keeper = service.keeper
    if keeper.returncode is not None:
        return
    keeper.terminate()  # the keeper stops its server, then itself
    try:
        await asyncio.wait_for(keeper.wait(), STOP_TIMEOUT_S)
    except TimeoutError:
        keeper.kill()
        await keeper.wait()


# --- the system as the tests see it ---------------------------------------------------------


@dataclass
class FaultSystem:
    services: dict[str, KeptService]
    settings: ServiceSettings
    sinks: RunningSinks
    http: httpx.AsyncClient
    logs: Path
    agency: str
    procedures: list[Json]
    used: set[str] = field(default_factory=set)
    # Further replicas of a service, on ports of their own: requests go to each in turn.
    replicas: dict[str, list[KeptService]] = field(default_factory=dict)
    turns: Counter[str] = field(default_factory=Counter)

    def url(self, service: str, path: str) -> str:
        """The service's URL; with replicas, each call the next one's, as behind a balancer."""
        every = [self.services[service], *self.replicas.get(service, [])]
        self.turns[service] += 1
        return f"{every[self.turns[service] % len(every)].url}{path}"

    async def all_ready(self) -> bool:
        return all([await ready(self.http, s.url) for s in self.services.values()])

    def procedure(self) -> Json:
        """A procedure no earlier scenario of the module used: its figures are this scenario's."""
        chosen = next(p for p in self.procedures if p["code"] not in self.used)
        self.used.add(chosen["code"])
        return chosen


async def fault_system(
    services: dict[str, KeptService],
    settings: ServiceSettings,
    sinks: RunningSinks,
    http: httpx.AsyncClient,
    logs: Path,
) -> FaultSystem:
    intake = services["intake"].url
    agencies = (await http.get(f"{intake}/agencies")).raise_for_status().json()
    desk = next(a for a in agencies if a["level"] == "xã")
    # Every request is the commune clerk's: the desk receives, reads its cases and their messages.
    http.headers.update(bearer("reception_clerk", desk["code"], "fault.clerk"))
    listed = (await http.get(f"{intake}/procedures")).raise_for_status().json()
    procedures = [p for p in listed if "xã" in p["receiving_levels"] and receivable(p)]
    return FaultSystem(services, settings, sinks, http, logs, desk["code"], procedures)


def dossier(system: FaultSystem, procedure: Json, number: int) -> Json:
    return {
        "procedure_code": procedure["code"],
        "agency_code": system.agency,
        "channel": "direct",
        "applicant": {
            "full_name": "Trần Văn Phúc",
            "citizen_id": f"040{number % 10**9:09d}",
            "date_of_birth": "1960-03-09",
            "phone": f"0912 {number % 1000:03d} {number // 1000 % 1000:03d}",
            "email": f"phuc.tran.{number}@example.vn",
            "address": "Xóm Đồng Bản, xã Đại Đồng, tỉnh Nghệ An",
        },
        "documents": [
            {"key": d["key"], "kind": d["kind"], "count": d["count"]}
            for d in procedure["documents"]
            if d["required"]
        ],
    }


# --- the burst ------------------------------------------------------------------------------


def today() -> str:
    """Today in Viet Nam, as the reports' periods are given."""
    return local_date(datetime.now(UTC)).isoformat()


@dataclass
class Burst:
    procedure: str
    keys: list[str]
    # Idempotency-Key -> every code intake answered for it (one, if intake kept its word).
    codes: dict[str, set[str]] = field(default_factory=dict)
    first_day: str = ""
    retries: int = 0
    send_again: int = 0  # 409s telling the client to send again
    submitted_s: float = 0.0

    @property
    def all_codes(self) -> set[str]:
        return {code for codes in self.codes.values() for code in codes}

    @property
    def complete(self) -> bool:
        return len(self.codes) == len(self.keys)


async def burst(
    system: FaultSystem,
    size: int,
    fault: Callable[["Burst"], Awaitable[Any]],
    *,
    fault_after: int | None = None,
) -> tuple[Burst, Any]:
    """Submit ``size`` dossiers, ``CONCURRENCY`` at a time; once ``fault_after`` of them are in,
    run ``fault`` beside the rest of the burst. Returns the burst and what ``fault`` returned."""
    procedure = system.procedure()
    token = secrets.token_hex(3)
    base = int.from_bytes(secrets.token_bytes(2)) * 1000
    made = Burst(procedure["code"], [f"fault-{token}-{i}" for i in range(size)])
    made.first_day = today()
    threshold = size // 3 if fault_after is None else fault_after
    done = 0
    reached = asyncio.Event()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(size):
        queue.put_nowait(i)

    async def submitter() -> None:
        nonlocal done
        while not queue.empty():
            i = queue.get_nowait()
            await submit(system, made, i, dossier(system, procedure, base + i))
            done += 1
            if done >= threshold:
                reached.set()

    async def injector() -> Any:
        await reached.wait()
        return await fault(made)

    started = asyncio.get_running_loop().time()
    async with asyncio.TaskGroup() as group:
        injected = group.create_task(injector())
        submitters = [group.create_task(submitter()) for _ in range(CONCURRENCY)]
        await asyncio.gather(*submitters)
        made.submitted_s = asyncio.get_running_loop().time() - started
    return made, injected.result()


async def submit(system: FaultSystem, made: Burst, i: int, body: Json) -> None:
    """POST until intake answers 200/201; a lost answer or a 5xx is retried with the same key."""
    key = made.keys[i]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SUBMIT_TIMEOUT_S
    while True:
        try:
            response = await system.http.post(
                system.url("intake", "/cases"), json=body, headers={"Idempotency-Key": key}
            )
        except httpx.TransportError:
            response = None
        if response is not None and response.status_code in (200, 201):
            made.codes.setdefault(key, set()).add(response.json()["code"])
            return
        if response is not None and _send_again(response):
            # Intake's own "not stored yet, send again" (a unit that kept colliding): nothing
            # was stored, and the client is told to resend with the same key.
            made.send_again += 1
        elif response is not None and response.status_code < 500:
            pytest.fail(f"intake refused {key}: {response.status_code} {response.text}")
        if loop.time() > deadline:
            pytest.fail(f"intake never took {key} within {SUBMIT_TIMEOUT_S} s")
        made.retries += 1
        # A client's pause before trying again, not a synchronisation.
        await asyncio.sleep(0.2)


def _send_again(response: httpx.Response) -> bool:
    if response.status_code != 409:
        return False
    detail = response.json().get("detail") or [{}]
    return detail[0].get("field") == "case_code"


# --- counting -------------------------------------------------------------------------------


@dataclass
class Counts:
    offered: int
    stored: Counter[str]  # intake: documents per case code of the burst's procedure
    keys_with_many_codes: int
    workflow: Counter[str]  # instances in the work queue per case code
    reported: int  # received.new for the procedure in the one-stop report
    sms: Counter[str]  # SMS at the sink per case code
    sms_references: Counter[str]  # per delivery reference (Idempotency-Key)
    mail: Counter[str]  # e-mails at the sink per case code, one per Message-ID
    mail_ids: Counter[str]  # per Message-ID
    deliveries: Counter[str]  # status of every delivery of the burst's cases in notify's log
    dead_lettered: int  # messages keyed by one of the burst's case codes on any .dlq topic
    codes: set[str]
    settled_s: float = 0.0

    def effects(self) -> dict[str, tuple[int, int]]:
        """Per effect: (lost, duplicated), each case expected once."""
        n = len(self.codes)
        return {
            "intake": _lost_dup(self.codes, self.stored),
            "workflow": _lost_dup(self.codes, self.workflow),
            "report": (max(0, n - self.reported), max(0, self.reported - n)),
            "sms": _lost_dup(self.codes, self.sms),
            "mail": _lost_dup(self.codes, self.mail),
            "sms per reference": (0, sum(c - 1 for c in self.sms_references.values() if c > 1)),
            "codes per key": (self.offered - len(self.codes) + self.keys_with_many_codes, 0)
            if len(self.codes) < self.offered
            else (0, self.keys_with_many_codes),
        }

    @property
    def lost(self) -> int:
        return sum(lost for lost, _ in self.effects().values()) + self.dead_lettered

    @property
    def duplicated(self) -> int:
        return sum(dup for _, dup in self.effects().values())

    @property
    def settled(self) -> bool:
        """Every effect once, and every delivery final: nothing more is coming."""
        pending = sum(n for status, n in self.deliveries.items() if status not in FINAL_DELIVERY)
        return self.lost == 0 and pending == 0 and self.deliveries["sent"] == 2 * len(self.codes)

    def line(self) -> str:
        return (
            f"offered {self.offered}, stored in intake {sum(self.stored.values())}, "
            f"instances in workflow {sum(self.workflow.values())}, in the report {self.reported}, "
            f"case-submitted SMS {sum(self.sms.values())} "
            f"({len(self.sms_references)} unique references), "
            f"case-submitted e-mails {sum(self.mail.values())} "
            f"({len(self.mail_ids)} unique Message-IDs, "
            f"{sum(self.mail_ids.values()) - len(self.mail_ids)} repeated after a crash), "
            f"deliveries {dict(sorted(self.deliveries.items()))}, "
            f"dead-lettered {self.dead_lettered}; lost {self.lost}, duplicated {self.duplicated}"
            f" (settled {self.settled_s:.1f} s after the burst)"
        )


def _lost_dup(codes: set[str], seen: Counter[str]) -> tuple[int, int]:
    lost = sum(1 for code in codes if seen[code] == 0)
    duplicated = sum(n - 1 for n in seen.values() if n > 1) + sum(
        n for code, n in seen.items() if code not in codes
    )
    return lost, duplicated


async def count(system: FaultSystem, made: Burst, mongo: AsyncMongoClient) -> Counts:
    codes = made.all_codes
    stored: Counter[str] = Counter()
    intake = mongo[database_of(system.settings, "intake")]["cases"]
    async for doc in intake.find({"case.submitted.procedure_code": made.procedure}, {"_id": 1}):
        stored[doc["_id"]] += 1
    queue = await _json(system.http.get(system.url("workflow", "/cases"), params={"limit": 500}))
    workflow = Counter(
        item["case_code"] for item in queue or [] if item.get("procedure_code") == made.procedure
    )
    report = await _json(
        system.http.get(
            system.url("reporting", "/reports/one-stop"),
            params={
                "from": made.first_day,
                "to": today(),
                "procedure": made.procedure,
            },
        )
    )
    reported = report["total"]["received"]["new"] if report else 0
    sms, references = Counter[str](), Counter[str]()
    for item in (await system.sinks.http.get("/sms")).raise_for_status().json():
        code = _code_in(item["body"].get("text", ""), codes, made.procedure)
        if code is not None:
            sms[code] += 1
            references[item.get("reference") or f"none-{len(references)}"] += 1
    mail, ids = Counter[str](), Counter[str]()
    for message in await system.sinks.mail():
        code = _code_in(str(message["Subject"]), codes, made.procedure)
        if code is not None:
            message_id = str(message["Message-ID"])
            # SMTP has no request id: a send repeated after a crash between the server's "250"
            # and the recorded outcome carries the same Message-ID, and the recipient's mailbox
            # shows one message. Such repeats are counted apart, not as duplicates.
            mail[code] += 0 if message_id in ids else 1
            ids[message_id] += 1
    deliveries: Counter[str] = Counter()
    for code in codes:
        log = await _json(system.http.get(system.url("notify", f"/cases/{code}/deliveries")))
        deliveries.update(d["status"] for d in log or [])
    return Counts(
        offered=len(made.keys),
        stored=stored,
        keys_with_many_codes=sum(1 for c in made.codes.values() if len(c) > 1),
        workflow=workflow,
        reported=reported,
        sms=sms,
        sms_references=references,
        mail=mail,
        mail_ids=ids,
        deliveries=deliveries,
        dead_lettered=await dead_letters_of(system.settings, codes),
        codes=codes,
    )


def _code_in(text: str, codes: Iterable[str], procedure: str) -> str | None:
    return next((code for code in codes if code in text), None)


async def _json(request: Awaitable[httpx.Response]) -> Any:
    """The body of a 200, or None while the service is down or restarting."""
    try:
        response = await request
    except httpx.TransportError:
        return None
    return response.json() if response.status_code == 200 else None


async def dlq_topics(settings: ServiceSettings) -> list[str]:
    """The catalogue names of the module's dead-letter topics."""
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        topics = await admin.list_topics()
    finally:
        await admin.close()
    prefix = settings.topic_prefix
    return [t.removeprefix(prefix) for t in topics if t.startswith(prefix) and t.endswith(".dlq")]


async def dead_letter_records(settings: ServiceSettings) -> list[Any]:
    records = []
    for topic in await dlq_topics(settings):
        records += await read_topic(settings, topic)
    return records


async def dead_letters_of(settings: ServiceSettings, codes: set[str]) -> int:
    keys = {code.encode() for code in codes}
    return sum(1 for r in await dead_letter_records(settings) if r.key in keys)


async def settle(system: FaultSystem, made: Burst, mongo: AsyncMongoClient) -> Counts:
    """Count until every effect is there once and every delivery is final, or one is doubled."""
    started = asyncio.get_running_loop().time()
    counts = await eventually(
        lambda: count(system, made, mongo),
        until=lambda c: c.settled or c.duplicated > 0,
        what="every effect of the burst exactly once",
        timeout_s=SETTLE_TIMEOUT_S,
        interval_s=0.5,
    )
    counts.settled_s = asyncio.get_running_loop().time() - started
    return counts


def say(config: pytest.Config, line: str) -> None:
    """Print past output capturing, so the counts are in the test command's output."""
    print(line)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        reporter.write_line(line)


def check(config: pytest.Config, scenario: str, counts: Counts, extra: str = "") -> None:
    say(config, f"fault [{scenario}]: {counts.line()}{extra}")
    detail = {name: ld for name, ld in counts.effects().items() if ld != (0, 0)}
    assert counts.duplicated == 0, (scenario, detail)
    assert counts.lost == 0, (scenario, detail, counts.dead_lettered)
    assert counts.settled, (scenario, counts.deliveries)


@contextlib.asynccontextmanager
async def mongo_client(settings: ServiceSettings) -> AsyncIterator[AsyncMongoClient]:
    client: AsyncMongoClient = AsyncMongoClient(settings.mongodb_uri)
    try:
        yield client
    finally:
        await client.close()
