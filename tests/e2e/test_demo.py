"""The demo as ``scripts/run.sh`` loads it (its own command line, run by bash), on this module's
four services: the load's progress, a demo citizen's SMS link followed in headless Chromium to the
case's timeline, the README's subscriber commands printing the demo's events, and reporting's
rebuild replaying them with its progress.
"""

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.demo_data import DOSSIERS, Stage
from devstack.sinks.running import RunningSinks
from shared.events.codec import decode
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.e2e.citizen_page import open_the_link, sms_about
from tests.e2e.running_services import environment, run_line, run_sh_line, running_services
from tests.polling import eventually
from tests.readme_commands import (
    CONSOLE_CONSUMER,
    FOLLOW_ONE_CASE,
    READ_FROM_THE_START,
    followed_topics,
    lines,
    require_kcat,
    run,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
DEMO_TIMEOUT_S = 300
REBUILD_TIMEOUT_S = 120
# Progress's last line: "demo: 12/12 dossiers (100%) in 21 s (0.6 dossiers/s)".
DEMO_DONE = re.compile(r"^demo: (\d+)/(\d+) dossiers \(100%\) in (\d+) s \(.+ dossiers/s\)$", re.M)
# Progress lines go out every 5 s in a log; a load longer than that shows one at least.
LOG_EVERY_S = 5
REPLAY_DONE = re.compile(r"^replay of (.+): (\d+)/\2 messages \(100%\) in .+ messages/s\)$", re.M)
RETURNED = 10


@dataclass(frozen=True)
class Demo:
    """What the demo's command printed, and where the services it loaded run."""

    urls: dict[str, str]
    codes: list[str]  # one per dossier of devstack/demo_data.py, in its order
    lookup: dict[str, str]  # the summary's citizen lookup: a demo case and its applicant's ID
    progress: str  # standard error


def demo_command() -> str:
    """The line of scripts/run.sh that loads the demo."""
    return run_sh_line("-m devstack.demo")


async def load_demo(urls: dict[str, str], sinks: RunningSinks) -> tuple[str, str]:
    """run.sh's demo line, run by bash in the repository; its standard output and error."""
    return await run_line(demo_command(), urls, sinks, DEMO_TIMEOUT_S)


def codes_in(summary: str) -> list[str]:
    """The case codes of the summary's table (its first column, below the header)."""
    table = summary.split("\n\n", 1)[0]
    return [row.split()[0] for row in table.splitlines()[1:]]


def lookup_in(summary: str) -> dict[str, str]:
    [line] = [line for line in summary.splitlines() if line.startswith("Citizen lookup:")]
    found: dict[str, str] = json.loads(line[line.index("{") :])
    return found


@pytest.fixture(scope="module")
async def demo(
    settings: ServiceSettings, sinks: RunningSinks, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Demo]:
    logs = tmp_path_factory.mktemp("logs")
    async with running_services(settings, sinks, logs) as urls:
        started = time.monotonic()
        summary, progress = await load_demo(urls, sinks)
        print(f"demo loaded in {time.monotonic() - started:.1f} s")
        yield Demo(urls, codes_in(summary), lookup_in(summary), progress)


def test_the_demo_loads_every_dossier_and_shows_its_progress(demo: Demo) -> None:
    assert len(demo.codes) == len(set(demo.codes)) == len(DOSSIERS)
    [done] = DEMO_DONE.findall(demo.progress)
    assert done[:2] == (str(len(DOSSIERS)),) * 2, demo.progress
    if int(done[2]) > LOG_EVERY_S:
        under_way = rf"^demo: \d+/{len(DOSSIERS)} dossiers .* left$"
        assert re.search(under_way, demo.progress, re.M), demo.progress


async def test_a_demo_citizen_follows_the_sms_link_to_the_cases_timeline(
    demo: Demo, sinks: RunningSinks
) -> None:
    # The case the summary offers for a lookup: the first dossier's, taken to the end.
    code, citizen = demo.codes[0], DOSSIERS[0].citizen
    assert DOSSIERS[0].stage is Stage.RETURNED
    assert demo.lookup == {"code": code, "id_number": citizen.citizen_id}
    first, *_ = await sms_about(sinks, code)
    assert digits(first.to).removeprefix("84") == digits(citizen.phone).removeprefix("0")

    shot = ARTIFACTS / "demo-citizen-page-390.png"
    seen = await open_the_link(first.link, citizen.citizen_id, shot)
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(f"{demo.urls['intake']}/lookup", json=demo.lookup)
    case = response.raise_for_status().json()
    assert seen.code == code
    assert case["status"]["code"] == RETURNED
    assert seen.status == case["status"]["label"]
    assert seen.statuses == [step["status"]["label"] for step in case["timeline"]]
    assert seen.steps == [step["note"] for step in case["timeline"]]
    # Received, decided, returned: the whole way.
    assert {2, 9, RETURNED} <= {step["status"]["code"] for step in case["timeline"]}


def digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


async def test_the_readme_subscriber_commands_print_the_demos_events(
    demo: Demo, settings: ServiceSettings
) -> None:
    require_kcat()
    case = demo.codes[0]
    # Side by side: the console consumer waits 10 s after the last message before it exits.
    from_the_start, by_the_console_consumer, _ = await asyncio.gather(
        asyncio.to_thread(run, READ_FROM_THE_START, settings, case),
        asyncio.to_thread(run, CONSOLE_CONSUMER, settings, case),
        # Notify's last messages about the case may still be on their way.
        eventually(
            lambda: followed_and_published(settings, case),
            until=lambda pair: pair[0] == pair[1],
            what=f"the README's loop to print every event of {case}",
        ),
    )
    for output in (from_the_start, by_the_console_consumer):
        keyed = [line.split("\t", 1) for line in lines(output)]
        assert sorted(key for key, _ in keyed) == sorted(demo.codes)
        assert all(json.loads(value)["subject"] == key for key, value in keyed)


async def followed_and_published(
    settings: ServiceSettings, case: str
) -> tuple[list[str], list[str]]:
    """The types FOLLOW_ONE_CASE prints for ``case``, and those of its events on those topics,
    both in time order."""
    output = await asyncio.to_thread(run, FOLLOW_ONE_CASE, settings, case)
    printed = [json.loads(line) for line in lines(output)]
    times = [datetime.fromisoformat(event["time"]) for event in printed]
    assert times == sorted(times), printed
    published = []
    for topic in followed_topics():
        records = await read_topic(settings, topic)
        published += [decode(r.value, topic=topic) for r in records if r.key == case.encode()]
    published.sort(key=lambda event: event.time)
    return [event["type"] for event in printed], [event.type for event in published]


def rebuild_summary(stdout: str) -> dict[str, Any]:
    """The rebuild's JSON summary: its last line (the log lines above it are JSON too)."""
    summary: dict[str, Any] = json.loads(lines(stdout)[-1])
    return summary


async def test_a_rebuild_replays_the_demos_events_showing_its_progress(
    demo: Demo, settings: ServiceSettings, sinks: RunningSinks
) -> None:
    process = await asyncio.create_subprocess_exec(
        "bash",
        "-c",
        ".venv/bin/python -m services.reporting.entrypoints.rebuild",  # as the README says
        cwd=ROOT,
        env=environment(settings, sinks, "reporting"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(REBUILD_TIMEOUT_S):
        out, err = await process.communicate()
    progress = err.decode()
    assert process.returncode == 0, progress
    phases = dict(REPLAY_DONE.findall(progress))
    # Two phases: case-submitted first, then every other topic.
    assert len(phases) == 2 and "case-submitted" in phases, progress
    assert int(phases["case-submitted"]) >= len(DOSSIERS)
    summary = rebuild_summary(out.decode())
    assert summary["messages"] >= len(DOSSIERS) and summary["applied"] >= len(DOSSIERS)
    assert (summary["rejected"], summary["undecodable"]) == (0, 0)
