"""The dashboard in headless Chromium (Debian's package, installed by scripts/test.sh): the seed's
figures are visible once its own scripts have run; at a desktop (1366x768) and a phone (390x844)
width, legends, labels and figures neither overlap nor overflow (element boxes read through the
DevTools protocol), days read dd/mm/yyyy and numbers 1.234.567; screenshots go to
docs/screenshots/."""

import asyncio
import re
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from bench.reporting_feed import AGENCY, thanh_chuong_2018
from services.reporting.entrypoints.app import create_app
from services.reporting.service_layer.read_models import ReadModels
from services.reporting.settings import ReportingSettings
from shared.mongo import mongo_client, service_database
from shared.settings import ServiceSettings
from tests.integration.chromium_cdp import Page, chromium_page
from tests.polling import eventually

pytestmark = pytest.mark.integration
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
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
    paid = r'<td data-label="Số người hưởng">{}</td><td data-label="[^"]+">{}</td>'
    assert re.search(paid.format(r"1\.010", r"29\.180\.000\.000"), dom)
    assert re.search(paid.format("3", r"130\.000\.000"), dom)
    assert dom.count('class="chart"') == 4
    assert dom.count('class="button"') == 6
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "reporting-dashboard.png"
    shot.unlink(missing_ok=True)
    await chromium(f"--screenshot={shot}", dashboard_url)
    assert shot.stat().st_size > 10_000


# Per group of things that must not collide: its container and the items inside it. Items are
# what a reader reads (captions, labels, legend entries, totals, figures, buttons) plus the bars.
MEASURE = """(() => {
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX,
      bottom: r.bottom + scrollY, scroll: e.scrollWidth, client: e.clientWidth,
      text: (e.textContent || e.value || "").trim().slice(0, 50) };
  };
  const groups = [];
  const add = (name, container, selector) => groups.push(
    { name, container: box(container), items: [...container.querySelectorAll(selector)].map(box) });
  add("filters", document.querySelector("#filters"), ":scope > label, :scope > button");
  document.querySelectorAll(".card").forEach((e, i) => add(`card ${i}`, e, "h2, p, small"));
  document.querySelectorAll("figure").forEach((e, i) => add(`chart ${i}`, e,
    "figcaption, .bar-label, .bar-track, .bar-total, .legend li"));
  document.querySelectorAll(".report-head").forEach((e, i) => add(`table ${i}`, e, "h2, .button"));
  document.querySelectorAll("table").forEach((e, i) => add(`cells ${i}`, e, "td, th"));
  const inputs = [...document.querySelectorAll("#filters input")];
  // A select cannot wrap: the chosen name must fit between its padding and its arrow (Chromium
  // keeps 20 px for the arrow).
  const select = document.querySelector("#filters select");
  const style = getComputedStyle(select);
  const pen = document.createElement("canvas").getContext("2d");
  pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const chosen = select.selectedOptions[0].text;
  return {
    width: document.documentElement.clientWidth,
    scrollWidth: document.documentElement.scrollWidth,
    groups,
    inputs: inputs.map((e) => ({ type: e.type, value: e.value, placeholder: e.placeholder })),
    text: document.body.innerText,
    chosen: { text: chosen, needs: pen.measureText(chosen).width, has: select.clientWidth
      - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20 },
    numbers: [...document.querySelectorAll("[data-figure], .bar-total, td:not(:first-child)")]
      .map((e) => e.textContent.trim()),
  };
})()"""
SLACK_PX = 0.5
VN_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})*(,\d+)?")
DAY_LIKE = re.compile(r"\b\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\b")


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    across = min(a["right"], b["right"]) - max(a["left"], b["left"])
    down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return across > SLACK_PX and down > SLACK_PX


def layout_faults(seen: dict[str, Any]) -> list[str]:
    """Every overlap, overflow or truncation among the measured boxes, in words."""
    faults = []
    if seen["scrollWidth"] > seen["width"]:
        faults.append(f"the page scrolls sideways: {seen['scrollWidth']} > {seen['width']} px")
    for group in seen["groups"]:
        outer, items = group["container"], group["items"]
        for i, item in enumerate(items):
            where = f"{group['name']}: {item['text']!r}"
            if item["right"] - item["left"] <= 0 or item["bottom"] - item["top"] <= 0:
                continue  # empty bar parts, a visually hidden heading row
            if (
                item["left"] < outer["left"] - SLACK_PX
                or item["right"] > outer["right"] + SLACK_PX
                or item["top"] < outer["top"] - SLACK_PX
                or item["bottom"] > outer["bottom"] + SLACK_PX
            ):
                faults.append(f"{where} overflows its container")
            if item["left"] < -SLACK_PX or item["right"] > seen["width"] + SLACK_PX:
                faults.append(f"{where} overflows the viewport")
            if item["scroll"] > item["client"] > 0:
                faults.append(f"{where} is cut: {item['scroll']} > {item['client']} px")
            faults.extend(
                f"{where} overlaps {other['text']!r}"
                for other in items[i + 1 :]
                if overlap(item, other)
            )
    chosen = seen["chosen"]
    if chosen["needs"] > chosen["has"]:
        faults.append(f"the agency select cuts {chosen['text']!r}: {chosen['needs']:.0f} px")
    return faults


async def measure_and_shoot(page: Page, url: str, width: int, height: int) -> dict[str, Any]:
    await page.resize(width, height, mobile=width < 600)
    await page.goto(url)
    await eventually(
        lambda: page.evaluate("document.body.dataset.loaded"),
        until=lambda loaded: loaded == "true",
        what="the dashboard's figures",
    )
    seen: dict[str, Any] = await page.evaluate(MEASURE)
    await page.screenshot(SCREENSHOTS / f"dashboard-{width}.png")
    return seen


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
async def test_at_desktop_and_phone_width_nothing_overlaps_and_reads_vietnamese(
    dashboard_url: str, width: int, height: int
) -> None:
    async with chromium_page() as page:
        seen = await measure_and_shoot(page, dashboard_url, width, height)
    assert layout_faults(seen) == []
    # Every chart drew its rows and, where it has one, its legend; every table has its buttons.
    groups = {g["name"]: g["items"] for g in seen["groups"]}
    # (caption, three boxes per row, legend entries): 2 rows, 4 procedures, 2 programmes, 1 agency
    charts = [len(groups[f"chart {i}"]) for i in range(4)]
    assert charts == [1 + 3 * 2 + 5, 1 + 3 * 4 + 4, 1 + 3 * 2, 1 + 3 + 3]
    assert [len(groups[f"table {i}"]) for i in range(3)] == [3, 3, 3]

    # Days: dd/mm/yyyy in the inputs (text inputs, not the locale's date picker) and in the text.
    assert [(i["type"], i["value"], i["placeholder"]) for i in seen["inputs"]] == [
        ("text", "01/01/2018", "dd/mm/yyyy"),
        ("text", "31/12/2018", "dd/mm/yyyy"),
    ]
    days = DAY_LIKE.findall(seen["text"])
    assert days == ["01/01/2018", "31/12/2018"]
    # Numbers: dots between thousands, nothing left ungrouped.
    assert seen["numbers"] and all(VN_NUMBER.fullmatch(n) for n in seen["numbers"]), seen["numbers"]
    assert "2.939" in seen["numbers"] and "29.180.000.000" in seen["numbers"]
    shot = SCREENSHOTS / f"dashboard-{width}.png"
    assert 10_000 < shot.stat().st_size < 400_000


async def test_a_period_typed_day_first_drives_the_reports_and_a_bad_day_is_refused(
    dashboard_url: str,
) -> None:
    status = "document.querySelector('#status').textContent"
    links = "[...document.querySelectorAll('.exports a')].map(a => a.getAttribute('href'))"
    async with chromium_page() as page:
        await page.resize(390, 844, mobile=True)
        await page.goto(dashboard_url)
        await eventually(lambda: page.evaluate("document.body.dataset.loaded"), what="figures")
        await page.evaluate(
            "document.querySelector('[name=from]').value = '01/07/2018';"
            "document.querySelector('[name=to]').value = '31/12/2018';"
            "document.querySelector('#filters button').click()"
        )
        shown = await eventually(
            lambda: page.evaluate(status), until=lambda s: "01/07/2018" in s, what="the new period"
        )
        assert shown.startswith("Số liệu từ ngày 01/07/2018 đến ngày 31/12/2018")
        hrefs = await page.evaluate(links)
        assert len(hrefs) == 6 and all("from=2018-07-01&to=2018-12-31" in h for h in hrefs)
        assert {h.split("?")[0] for h in hrefs} == {
            "/reports/one-stop",
            "/reports/payments",
            "/reports/satisfaction",
        }
        assert sorted(h.rsplit("format=", 1)[1] for h in hrefs) == ["csv"] * 3 + ["xlsx"] * 3
        assert "from=2018-07-01" in await page.evaluate("location.search")

        # 31 February does not exist: refused in the page, before any request.
        await page.evaluate(
            "document.querySelector('[name=to]').value = '31/02/2018';"
            "document.querySelector('#filters button').click()"
        )
        refused = await page.evaluate(status)
        assert refused.startswith("Không tải được số liệu: “Đến ngày” phải là một ngày")
        assert await page.evaluate("document.querySelector('#status').className") == "error"
