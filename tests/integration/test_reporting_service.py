"""The reporting service on the real broker and store.

Two deployments, each with its own topics and database:
- *replayed*: the seed's 2018 figures for Thanh Chương (6,900+ events) are published to the
  topics and read by the rebuild command's replay, which is the fast path for that volume;
- *live*: the service's own consumer reads a smaller feed as it arrives, dead-letters an event
  that breaks the projection, and a rebuild runs while new events keep arriving.
"""

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import openpyxl
import pytest
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from bench.reporting_feed import (
    AGENCY,
    GRATITUDE,
    HOUSING,
    PROCEDURES,
    FeedBuilder,
    publish,
    thanh_chuong_2018,
)
from services.reporting.entrypoints.app import create_app
from services.reporting.service_layer.rebuild import rebuild
from services.reporting.settings import ReportingSettings
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.decisions import CaseWithdrawn
from shared.events.envelope import Envelope
from shared.events.examples import APPLICANT, EXAMPLES
from shared.events.intake import CaseRefused, Satisfaction
from shared.events.values import SubmissionChannel, Timeliness
from shared.kafka.admin import ensure_topics
from shared.kafka.deadletter import dlq_topic
from shared.observability.masking import mask
from shared.settings import ServiceSettings
from tests.personal_data import raw_numbers

pytestmark = pytest.mark.integration
YEAR = {"from": "2018-01-01", "to": "2018-12-31"}
DEADLINE_S = 120
LIVE = "LIVE.NA"

Probe = Callable[[], Awaitable[Any]]


def reporting(settings: ServiceSettings, suffix: str, consume: bool) -> ReportingSettings:
    base = settings.model_dump(exclude={"service_name"})
    return ReportingSettings(
        **{
            **base,
            "mongodb_database": f"{settings.mongodb_database}_{suffix}",
            "topic_prefix": f"{settings.topic_prefix}{suffix}.",
            "consume_events": consume,
        }
    )


@pytest.fixture(scope="module")
def replayed_settings(settings: ServiceSettings) -> ReportingSettings:
    return reporting(settings, "replayed", consume=False)


@pytest.fixture(scope="module")
def live_settings(settings: ServiceSettings) -> ReportingSettings:
    return reporting(settings, "live", consume=True)


async def running(settings: ReportingSettings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as http:
            yield app, http


@pytest.fixture(scope="module")
async def replayed(
    replayed_settings: ReportingSettings,
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    await ensure_topics(replayed_settings, CATALOGUE.topics)
    await publish(replayed_settings, thanh_chuong_2018(ratings=90))
    async for app_and_client in running(replayed_settings):
        summary = await rebuild(
            replayed_settings, app_and_client[0].state.container.read_models, 2000
        )
        assert (summary.rejected, summary.undecodable) == (0, 0)
        yield app_and_client


@pytest.fixture(scope="module")
async def live(
    live_settings: ReportingSettings,
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async for app_and_client in running(live_settings):
        yield app_and_client


async def eventually(probe: Probe, done: Callable[[Any], bool], what: str) -> Any:
    """Poll ``probe`` until ``done`` holds for its result, or fail after the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while True:
        value = await probe()
        if done(value):
            return value
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {what}; last value: {value!r}")
        await asyncio.sleep(0.2)


async def get(client: httpx.AsyncClient, path: str, **params: str) -> httpx.Response:
    response = await client.get(path, params={**YEAR, **params})
    assert response.status_code == 200, response.text
    return response


async def totals(client: httpx.AsyncClient, agency: str) -> dict[str, Any] | None:
    """The agency's one-stop totals, or None while no event has named the agency yet."""
    response = await client.get("/reports/one-stop", params={**YEAR, "agency": agency})
    return response.json()["total"] if response.status_code == 200 else None


async def payments(client: httpx.AsyncClient, agency: str) -> dict[str, dict[str, Any]]:
    rows = (await get(client, "/reports/payments", agency=agency)).json()["rows"]
    return {row["programme"]: row for row in rows}


async def test_the_report_shows_the_seed_2018_figures(replayed: tuple[FastAPI, Any]) -> None:
    _, client = replayed
    total = await totals(client, AGENCY)
    assert total is not None
    assert total["received"]["total"] == 2939
    assert total["received"]["carried_over"] == 0
    assert total["resolved"]["total"] == 2939
    assert total["resolved"]["early"] + total["resolved"]["on_time"] == 2939
    assert total["resolved"]["late"] == 0
    assert total["resolved"]["share_of_received_pct"] == 100.0
    assert total["in_progress"]["total"] == 0
    paid = await payments(client, AGENCY)
    assert (paid[HOUSING]["beneficiaries"], paid[HOUSING]["amount_vnd"]) == (1010, 29_180_000_000)
    assert (paid[GRATITUDE]["beneficiaries"], paid[GRATITUDE]["amount_vnd"]) == (3, 130_000_000)
    [rated] = (await get(client, "/reports/satisfaction", agency=AGENCY)).json()["rows"]
    assert rated["ratings"] == 90
    assert rated["overall"]["satisfied"]["pct"] == pytest.approx(33.33)


async def test_exports_carry_the_same_figures_with_vietnamese_headers(
    replayed: tuple[FastAPI, Any],
) -> None:
    _, client = replayed
    response = await get(client, "/reports/one-stop", agency=AGENCY, format="csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2] == "Tổng số hồ sơ tiếp nhận"
    assert rows[-1][:3] == ["total", "Tổng cộng", "2939"]
    xlsx = await get(client, "/reports/payments", agency=AGENCY, format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[2] == ("Mã chương trình", "Chương trình", "Số người hưởng", "Tổng số tiền (đồng)")
    assert (HOUSING, 1010, 29_180_000_000) in {(r[0], r[2], r[3]) for r in values[3:]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2018-12-31", "to": "2018-01-01"}, "query.to"),
        ({"from": "2018-13-01", "to": "2018-12-31"}, "query.from"),
        ({**YEAR, "agency": "KHONG.CO"}, "query.agency"),
        ({**YEAR, "procedure": "9.999999"}, "query.procedure"),
        ({**YEAR, "format": "pdf"}, "query.format"),
        ({"from": "9999-01-01", "to": "9999-12-31"}, "query.from"),
        ({"from": "2018-01-01", "to": "9999-12-31"}, "query.to"),
        ({"from": "0001-01-01", "to": "0001-01-05"}, "query.from"),
        ({"from": "1899-12-31", "to": "2018-12-31"}, "query.from"),
    ],
)
async def test_bad_queries_get_a_4xx_naming_the_field(
    replayed: tuple[FastAPI, Any], params: dict[str, str], field: str
) -> None:
    response = await replayed[1].get("/reports/one-stop", params=params)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == [field]


@pytest.mark.parametrize("report", ["one-stop", "payments", "satisfaction"])
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
async def test_a_year_outside_1900_to_2100_is_a_422_in_every_report_and_format(
    replayed: tuple[FastAPI, Any], report: str, fmt: str
) -> None:
    params = {"from": "2018-01-01", "to": "9999-12-31", "format": fmt}
    response = await replayed[1].get(f"/reports/{report}", params=params)
    assert response.status_code == 422, response.text
    [detail] = response.json()["detail"]
    assert detail["field"] == "query.to"
    assert "1900" in detail["reason"]


async def test_the_read_models_keep_no_id_number_phone_or_name(
    replayed: tuple[FastAPI, Any], replayed_settings: ReportingSettings
) -> None:
    """The seed's events carry applicants and beneficiaries; nothing of them is stored."""
    names = (APPLICANT.full_name, "Nguyễn Văn An")
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(replayed_settings.mongodb_uri)
    db = client[replayed_settings.mongodb_database]
    scanned: dict[str, int] = {}
    try:
        for name in await db.list_collection_names():
            scanned[name] = 0
            async for doc in db[name].find():
                text = json.dumps(doc, default=str, ensure_ascii=False)
                assert not raw_numbers(text), f"{name}: {mask(text)}"
                assert not any(n in text for n in names), f"{name}: {mask(text)}"
                scanned[name] += 1
    finally:
        await client.close()
    assert any(n.startswith("cases_g") and count >= 2939 for n, count in scanned.items()), scanned
    assert any(n.startswith("aggregates_g") and count for n, count in scanned.items()), scanned


def live_cases(first: int, count: int, seed: int) -> list[Envelope]:
    """Cases of the LIVE.NA agency received on consecutive days of 2018, resolved late, paid
    and rated."""
    feed = FeedBuilder(LIVE, "Đơn vị thử tiêu thụ trực tiếp", seed=seed)
    start = thanh_chuong_2018()[0].data.received_at
    events = []
    for i in range(first, first + count):
        sub = feed.submitted(start + timedelta(days=i), PROCEDURES[0], SubmissionChannel.ONLINE)
        resolved = feed.resolved(sub, Timeliness.LATE)
        paid = feed.payment(resolved, HOUSING, 20_000_000, number=i + 1)
        events += [sub, resolved, paid, feed.rated(resolved, Satisfaction.VERY_SATISFIED)]
    return events


async def live_figures(client: httpx.AsyncClient) -> tuple[int, int] | None:
    total = await totals(client, LIVE)
    if total is None:
        return None
    paid = await payments(client, LIVE)
    return total["resolved"]["late"], paid.get(HOUSING, {}).get("amount_vnd", 0)


async def test_the_live_consumer_projects_events_as_they_arrive(
    live: tuple[FastAPI, Any], live_settings: ReportingSettings
) -> None:
    _, client = live
    await publish(live_settings, live_cases(0, 25, seed=1))
    figures = await eventually(
        lambda: live_figures(client), lambda f: f == (25, 500_000_000), "the live feed"
    )
    assert figures == (25, 500_000_000)

    async def rated() -> tuple[int, float]:
        rows = (await get(client, "/reports/satisfaction", agency=LIVE)).json()["rows"]
        return (rows[0]["ratings"], rows[0]["average_points"]) if rows else (0, 0.0)

    # Ratings come on a topic of their own, consumed side by side with the others.
    ratings = await eventually(rated, lambda r: r[0] == 25, "the ratings")
    assert ratings == (25, 18.0)


async def test_an_event_that_breaks_the_projection_is_dead_lettered(
    live: tuple[FastAPI, Any], live_settings: ReportingSettings
) -> None:
    _, client = live
    feed = FeedBuilder("DLQ.NA", "Đơn vị thử thư chết", seed=99)
    first = thanh_chuong_2018()[0].data.received_at
    submitted = feed.submitted(first, PROCEDURES[0], SubmissionChannel.DIRECT)
    await publish(live_settings, [submitted])
    await eventually(lambda: totals(client, "DLQ.NA"), bool, "the DLQ.NA case")
    resolved = feed.resolved(submitted, Timeliness.EARLY)
    before_receipt = first - timedelta(days=2)
    bad = resolved.model_copy(
        update={"data": resolved.data.model_copy(update={"resolved_at": before_receipt})}
    )
    await publish(live_settings, [bad])
    consumer = AIOKafkaConsumer(
        live_settings.topic(dlq_topic("case-resolved")),
        bootstrap_servers=live_settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    try:
        async with asyncio.timeout(DEADLINE_S):
            record = await consumer.getone()
    finally:
        await consumer.stop()
    assert str(bad.id).encode() in record.value
    headers = dict(record.headers)
    assert "before it was received" in headers["dlq_reason"].decode()
    assert headers["dlq_attempts"] == b"1"  # not retried: it can never succeed
    total = await totals(client, "DLQ.NA")
    assert total is not None
    assert (total["resolved"]["total"], total["in_progress"]["total"]) == (0, 1)


async def test_a_rebuild_gives_the_same_figures_while_events_keep_arriving(
    live: tuple[FastAPI, Any], live_settings: ReportingSettings
) -> None:
    app, client = live
    await eventually(lambda: live_figures(client), lambda f: f == (25, 500_000_000), "live feed")
    dlq_before = await totals(client, "DLQ.NA")
    summary, _ = await asyncio.gather(
        rebuild(live_settings, app.state.container.read_models, 2000),
        publish(live_settings, live_cases(25, 15, seed=2)),
    )
    assert summary.rejected == 1  # the dead-lettered event breaks the projection again
    assert await totals(client, "DLQ.NA") == dlq_before
    figures = await eventually(
        lambda: live_figures(client), lambda f: f == (40, 800_000_000), "events sent meanwhile"
    )
    assert figures == (40, 800_000_000)


async def test_an_export_of_a_formula_name_opens_as_text(
    live: tuple[FastAPI, Any], live_settings: ReportingSettings
) -> None:
    """A name from the events that a spreadsheet would evaluate is exported as text."""
    _, client = live
    formula = '=HYPERLINK("x")'
    feed = FeedBuilder("FORMULA.NA", formula, seed=7)
    first = thanh_chuong_2018()[0].data.received_at
    submitted = feed.submitted(first, PROCEDURES[0], SubmissionChannel.DIRECT)
    await publish(live_settings, [submitted])
    await eventually(lambda: totals(client, "FORMULA.NA"), bool, "the FORMULA.NA case")
    params = {"agency": "FORMULA.NA", "group_by": "agency"}
    csv_export = await get(client, "/reports/one-stop", **params, format="csv")
    rows = list(csv.reader(io.StringIO(csv_export.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["FORMULA.NA", f"'{formula}"]
    xlsx_export = await get(client, "/reports/one-stop", **params, format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_export.content)).active
    name = sheet["B4"]
    assert (name.value, name.data_type) == (formula, "s")
    assert isinstance(sheet["C4"].value, int)  # the figures stay numbers


async def test_a_withdrawal_is_counted_apart_and_a_refusal_nowhere(
    live: tuple[FastAPI, Any], live_settings: ReportingSettings
) -> None:
    """Statuses 7 and 3 through the live consumer: a withdrawn case leaves the in-progress
    figures and is counted as "Rút hồ sơ"; a dossier refused at the desk was never received."""
    _, client = live
    feed = FeedBuilder("RUT.NA", "Đơn vị thử rút hồ sơ", seed=77)
    first = thanh_chuong_2018()[0].data.received_at
    kept, withdrawn = (
        feed.submitted(first, PROCEDURES[0], SubmissionChannel.ONLINE) for _ in range(2)
    )
    withdrawal = EXAMPLES[CaseWithdrawn].model_copy(
        update={
            "case_code": withdrawn.subject,
            "withdrawn_at": first + timedelta(days=2),
            "requested_on": (first + timedelta(days=2)).date(),
        }
    )
    refusal = EXAMPLES[CaseRefused].model_copy(
        update={"case_code": feed.case_code(first), "agency_code": "RUT.NA", "refused_at": first}
    )
    await publish(live_settings, [kept, withdrawn, new_event(withdrawal), new_event(refusal)])
    total = await eventually(
        lambda: totals(client, "RUT.NA"),
        lambda t: t is not None and t["withdrawn"] == 1,
        "the withdrawal",
    )
    assert total["received"]["total"] == 2  # the refused dossier is not among them
    assert (total["in_progress"]["total"], total["resolved"]["total"]) == (1, 0)
    assert total["stopped"] == 0
    csv_rows = list(
        csv.reader(
            io.StringIO(
                (
                    await get(client, "/reports/one-stop", agency="RUT.NA", format="csv")
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert csv_rows[0][-2:] == ["Dừng xử lý", "Rút hồ sơ"]
    assert csv_rows[-1][-2:] == ["0", "1"]
