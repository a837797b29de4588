"""The dashboard in headless Chromium (Debian's package, installed by scripts/test.sh): the seed's
figures are visible once its own scripts have run, and a screenshot is saved under artifacts/."""

import asyncio
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn

from bench.reporting_feed import AGENCY, thanh_chuong_2018
from services.reporting.entrypoints.app import create_app
from services.reporting.service_layer.read_models import ReadModels
from services.reporting.settings import ReportingSettings
from shared.mongo import mongo_client, service_database
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,1400",
    # Virtual time runs the page's fetches and scripts to completion before the dump or shot.
    "--virtual-time-budget=20000",
]
RUN_TIMEOUT_S = 90


@pytest.fixture(scope="module")
async def dashboard_url(settings: ServiceSettings) -> AsyncIterator[str]:
    base = settings.model_dump(exclude={"service_name"})
    reporting = ReportingSettings(**{**base, "consume_events": False})
    async with mongo_client(reporting) as client:
        read_models = ReadModels(service_database(client, reporting))
        outcome = await read_models.apply(thanh_chuong_2018(ratings=90))
        assert outcome.rejected == []
    # A socket already listening: connections wait in its backlog until the server is up.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(reporting), log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{port}/dashboard?from=2018-01-01&to=2018-12-31&agency={AGENCY}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def chromium(*args: str) -> str:
    binary = shutil.which("chromium")
    assert binary, "Debian's chromium is missing: scripts/ensure-system-packages.sh installs it"
    with tempfile.TemporaryDirectory() as profile:
        proc = await asyncio.create_subprocess_exec(
            binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(RUN_TIMEOUT_S):
            out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode()


async def test_the_dashboard_shows_the_seed_figures(dashboard_url: str) -> None:
    dom = await chromium("--dump-dom", dashboard_url)
    assert 'data-loaded="true"' in dom
    assert "Số liệu từ ngày 01/01/2018 đến ngày 31/12/2018" in dom
    assert 'data-figure="received-total">2.939<' in dom
    assert 'data-figure="resolved-total">2.939<' in dom
    assert 'data-figure="in-progress">0<' in dom
    assert 'data-figure="late">0<' in dom
    assert "<td>1.010</td><td>29.180.000.000</td>" in dom
    assert "<td>3</td><td>130.000.000</td>" in dom
    assert dom.count("<svg") == 4
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "reporting-dashboard.png"
    shot.unlink(missing_ok=True)
    await chromium(f"--screenshot={shot}", dashboard_url)
    assert shot.stat().st_size > 10_000
