"""The four services as real uvicorn processes, on the test's servers, database names and topics.

Each service gets its own database (the module's database name plus the service's), all four share
the module's topic prefix so that they hear each other, and notify sends to the test's sinks.
"""

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from devstack.services import uvicorn_command
from devstack.sinks.running import RunningSinks
from shared.settings import ServiceSettings
from tests.polling import eventually

SERVICES = ("intake", "workflow", "notify", "reporting")
ROOT = Path(__file__).resolve().parents[2]
# Where run.sh's URLs and its clients find each service (devstack/config.py's port settings).
PORT_SETTINGS = {
    "intake": "INTAKE_PORT",
    "workflow": "WORKFLOW_PORT",
    "notify": "NOTIFY_PORT",
    "reporting": "REPORTING_PORT",
}
HOST = "127.0.0.1"
# Four services starting at once on a loaded 2-core machine take a while.
READY_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0


def database_of(settings: ServiceSettings, service: str) -> str:
    return f"{settings.mongodb_database}_{service}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def environment(settings: ServiceSettings, sinks: RunningSinks, service: str) -> dict[str, str]:
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "MONGODB_URI": settings.mongodb_uri,
        "MONGODB_DATABASE": database_of(settings, service),
        "TOPIC_PREFIX": settings.topic_prefix,
        # Every request's line (method, path, status): the personal-data scan reads them all.
        "LOG_LEVEL": "INFO",
        # Short polls, so events cross the system in well under a second.
        "OUTBOX_POLL_INTERVAL_S": "0.05",
        "NOTIFY_POLL_INTERVAL_S": "0.05",
        "SMTP_HOST": sinks.smtp.host,
        "SMTP_PORT": str(sinks.smtp.port),
        "SMTP_SECURITY": "none",
        "SMS_GATEWAY_URL": f"{sinks.url}/sms",
        "ZNS_API_URL": f"{sinks.url}/zns",
        "PORTAL_SYNC_URL": f"{sinks.url}/portal/sync",
        # With diacritics, as a gateway contract for Unicode SMS would have it.
        "SMS_MODE": "unicode",
        # The tests poll the citizen lookup; its limits have tests of their own.
        "RATE_LIMIT_PER_CASE": "10000",
        "RATE_LIMIT_PER_CLIENT": "10000",
    }


@asynccontextmanager
async def running_services(
    settings: ServiceSettings, sinks: RunningSinks, logs: Path
) -> AsyncIterator[dict[str, str]]:
    """Start the four services, wait until each is ready, yield their URLs; stop and clean up."""
    urls: dict[str, str] = {}
    processes: list[asyncio.subprocess.Process] = []
    try:
        for service in SERVICES:
            port = free_port()
            log = (logs / f"{service}.log").open("wb")
            processes.append(
                await asyncio.create_subprocess_exec(
                    *uvicorn_command(service, HOST, port),
                    env={**environment(settings, sinks, service), **_links(service, urls)},
                    stdout=log,
                    stderr=log,
                )
            )
            log.close()
            urls[service] = f"http://{HOST}:{port}"
        async with httpx.AsyncClient(timeout=2) as client:
            for service, url in urls.items():
                await eventually(
                    lambda url=url: _ready(client, url),
                    what=f"{service} to be ready (log in {logs})",
                    timeout_s=READY_TIMEOUT_S,
                )
        yield urls
    finally:
        # The databases stay (see tests/conftest.py on dropping them).
        await asyncio.gather(*(_stop(process) for process in processes))


def _links(service: str, urls: dict[str, str]) -> dict[str, str]:
    """Notify's messages link to the citizen page of the intake started before it."""
    return {"LOOKUP_URL": f"{urls['intake']}/tra-cuu"} if service == "notify" else {}


async def _ready(client: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await client.get(f"{url}/readyz")).status_code == 200
    except httpx.TransportError:
        return False


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()


def run_sh_line(marker: str) -> str:
    """The one line of scripts/run.sh containing ``marker``."""
    script = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    [line] = [line for line in script.splitlines() if marker in line]
    return line


async def run_line(
    line: str, urls: dict[str, str], sinks: RunningSinks, timeout_s: float
) -> tuple[str, str]:
    """``line`` run by bash in the repository, aimed at ``urls`` by the port settings it reads;
    its standard output and error once it succeeded."""
    ports = {PORT_SETTINGS[name]: url.rpartition(":")[2] for name, url in urls.items()}
    ports["SINKS_HTTP_PORT"] = sinks.url.rpartition(":")[2]
    # Not subprocess.run: the sinks the services send to run in the caller's event loop.
    process = await asyncio.create_subprocess_exec(
        "bash",
        "-c",
        line,
        cwd=ROOT,
        env=os.environ | ports,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(timeout_s):
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode(), err.decode()
