"""The reporting projection and reports in memory: figures, order, replays, bad events."""

from copy import deepcopy
from datetime import UTC, date, datetime, timedelta

import pytest

from bench.reporting_feed import (
    AGENCY,
    GRATITUDE,
    HOUSING,
    PROCEDURES,
    FeedBuilder,
    thanh_chuong_2018,
)
from services.reporting.domain.contributions import BucketKey, Contribution, Counters
from services.reporting.domain.period import Period, PeriodError
from services.reporting.service_layer.ports import Dimension, StoredCase
from services.reporting.service_layer.projector import Outcome, project
from services.reporting.service_layer.queries import (
    Scope,
    UnknownDimension,
    one_stop_report,
    payments_report,
    satisfaction_report,
)
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.envelope import Envelope
from shared.events.examples import example_event
from shared.events.intake import CaseRecorded, CaseSubmitted
from shared.events.values import SubmissionChannel, Timeliness
from shared.events.workflow import ProcessingResumed, Wait

pytestmark = pytest.mark.unit
YEAR_2018 = Period(date(2018, 1, 1), date(2018, 12, 31))


class FakeStore:
    """One generation of the read models in memory: what the Mongo book and reader keep."""

    def __init__(self) -> None:
        self.cases: dict[str, StoredCase] = {}
        self.buckets: dict[BucketKey, Counters] = {}
        self.dims: dict[tuple[str, str], str] = {}
        self.seen: set[str] = set()

    def book(self, *, marks: bool = False) -> "FakeBook":
        return FakeBook(self, marks)

    async def apply(self, events: list[Envelope], *, marks: bool = False) -> Outcome:
        return await project(self.book(marks=marks), events)

    async def sums(
        self, kind: str, filters: dict[str, str], first: str | None, last: str, group_by: str
    ) -> dict[str, Counters]:
        out: dict[str, Counters] = {}
        for key, counters in self.buckets.items():
            doc = key.document()
            if key.kind != kind or any(doc.get(k) != v for k, v in filters.items()):
                continue
            if key.day > last or (first is not None and key.day < first):
                continue
            group = out.setdefault(doc[group_by], {})
            for name, value in counters.items():
                group[name] = group.get(name, 0) + value
        return out

    async def sums_around(
        self, kind: str, filters: dict[str, str], first: str, last: str, group_by: str
    ) -> tuple[dict[str, Counters], dict[str, Counters]]:
        day_before = (date.fromisoformat(first) - timedelta(days=1)).isoformat()
        before = await self.sums(kind, filters, None, day_before, group_by)
        return before, await self.sums(kind, filters, first, last, group_by)

    async def names(self, kind: str) -> dict[str, str]:
        return {code: name for (k, code), name in self.dims.items() if k == kind}


class FakeBook:
    """The book port on a FakeStore; writes land at once (a test runs one unit at a time)."""

    def __init__(self, store: FakeStore, marks: bool) -> None:
        self.store = store
        self.marks = marks

    async def unseen(self, event_ids: list[str]) -> list[str]:
        return [i for i in event_ids if not (self.marks and i in self.store.seen)]

    def mark_seen(self, event_ids: list[str]) -> None:
        if self.marks:
            self.store.seen.update(event_ids)

    async def cases(self, case_codes: list[str]) -> dict[str, StoredCase]:
        return {c: deepcopy(self.store.cases[c]) for c in case_codes if c in self.store.cases}

    def save_case(self, case: StoredCase) -> None:
        code = case.projection.case_code
        stored = self.store.cases.get(code)
        assert (stored.version if stored else 0) == case.version, "the unit would retry"
        self.store.cases[code] = StoredCase(deepcopy(case.projection), case.version + 1)

    def add(self, delta: Contribution) -> None:
        for key, counters in delta.items():
            bucket = self.store.buckets.setdefault(key, {})
            for name, value in counters.items():
                bucket[name] = bucket.get(name, 0) + value

    async def name(self, dimensions: list[Dimension]) -> None:
        for d in dimensions:
            self.store.dims[(d.kind, d.code)] = d.name


def nonzero(buckets: dict[BucketKey, Counters]) -> dict[BucketKey, Counters]:
    return {k: {n: v for n, v in c.items() if v} for k, c in buckets.items() if any(c.values())}


async def test_seed_2018_figures_add_up_to_the_paper() -> None:
    store = FakeStore()
    outcome = await store.apply(thanh_chuong_2018(ratings=30))
    assert outcome.rejected == []
    report = await one_stop_report(store, YEAR_2018, Scope(agency=AGENCY), "agency")
    total = report.total.as_dict()
    assert total["received"]["total"] == 2939
    assert total["received"]["carried_over"] == 0
    assert total["resolved"]["total"] == 2939
    assert total["resolved"]["late"] == 0
    assert total["in_progress"]["total"] == 0
    assert total["resolved"]["early_pct"] + total["resolved"]["on_time_pct"] == 100.0
    labels = {HOUSING: "Nhà ở"}
    payments = {p.programme: p for p in await payments_report(store, YEAR_2018, AGENCY, labels)}
    assert (payments[HOUSING].beneficiaries, payments[HOUSING].amount_vnd) == (1010, 29_180_000_000)
    assert (payments[GRATITUDE].beneficiaries, payments[GRATITUDE].amount_vnd) == (
        3,
        130_000_000,
    )
    [sat] = await satisfaction_report(store, YEAR_2018, AGENCY)
    assert sat.as_dict()["ratings"] == 30
    assert sat.as_dict()["overall"]["very_satisfied"]["pct"] == pytest.approx(33.33)


async def test_events_in_any_order_and_any_batches_give_the_same_buckets() -> None:
    events = thanh_chuong_2018()[:300]
    in_order, shuffled = FakeStore(), FakeStore()
    await in_order.apply(events)
    for event in reversed(events):
        await shuffled.apply([event])
    assert nonzero(shuffled.buckets) == nonzero(in_order.buckets)
    assert {c: s.version for c, s in in_order.cases.items()} == dict.fromkeys(in_order.cases, 1)


async def test_a_generation_being_rebuilt_counts_an_event_once_whoever_writes_it() -> None:
    events = thanh_chuong_2018(ratings=20)
    once, twice = FakeStore(), FakeStore()
    await once.apply(events)
    # The live consumer applies some events, the replay then applies them all.
    live = await twice.apply(events[100:400], marks=True)
    replay = Outcome()
    for start in range(0, len(events), 1000):
        replay.add(await twice.apply(events[start : start + 1000], marks=True))
    assert (live.applied, replay.applied, replay.duplicates) == (300, len(events) - 300, 300)
    assert nonzero(twice.buckets) == nonzero(once.buckets)


def open_cases() -> tuple[FeedBuilder, list]:
    feed = FeedBuilder(seed=1)
    start = datetime(2024, 3, 4, 2, tzinfo=UTC)
    carried = feed.submitted(start, PROCEDURES[0], SubmissionChannel.ONLINE)
    overdue = feed.submitted(start + timedelta(days=20), PROCEDURES[1], SubmissionChannel.POSTAL)
    fresh = feed.submitted(
        datetime(2024, 4, 25, 2, tzinfo=UTC), PROCEDURES[0], SubmissionChannel.DIRECT
    )
    late = feed.resolved(carried, Timeliness.LATE)
    return feed, [carried, overdue, fresh, late]


async def test_carried_over_and_overdue_at_period_end_come_from_aggregates() -> None:
    store = FakeStore()
    _, events = open_cases()
    await store.apply(events)
    april = Period(date(2024, 4, 1), date(2024, 4, 30))
    total = (await one_stop_report(store, april, Scope())).total.as_dict()
    # The first case closed (late) on 21 March; the second, received 24 March and due 31 March,
    # is carried into April and overdue at its end; the third is due in May.
    assert total["received"]["carried_over"] == 1
    assert total["received"]["new"] == 1
    assert total["resolved"]["total"] == 0
    assert total["in_progress"] == {
        "total": 2,
        "within_deadline": 1,
        "overdue": 1,
        "within_deadline_pct": 50.0,
        "overdue_pct": 50.0,
    }
    march = Period(date(2024, 3, 1), date(2024, 3, 31))
    march_total = (await one_stop_report(store, march, Scope())).total.as_dict()
    assert march_total["resolved"]["late"] == 1
    assert march_total["received"]["online"] == 1


async def test_a_wait_that_moved_the_due_date_is_not_overdue() -> None:
    store = FakeStore()
    _, [_, overdue, *_] = open_cases()
    resumed = new_event(
        ProcessingResumed(
            case_code=overdue.subject,
            resumed_at=overdue.data.received_at + timedelta(days=5),
            wait=Wait.SUPPLEMENT,
            paused_working_days=30,
            previous_due_at=overdue.data.due_at,
            due_at=datetime(2024, 5, 15, 10, tzinfo=UTC),
        )
    )
    await store.apply([overdue, resumed])
    april = Period(date(2024, 4, 1), date(2024, 4, 30))
    in_progress = (await one_stop_report(store, april, Scope())).total.as_dict()["in_progress"]
    assert (in_progress["total"], in_progress["overdue"]) == (1, 0)


async def test_resolved_before_received_is_rejected_and_changes_nothing() -> None:
    store = FakeStore()
    feed, [carried, *_] = open_cases()
    bad = feed.resolved(carried, Timeliness.EARLY)
    bad = bad.model_copy(
        update={
            "data": bad.data.model_copy(
                update={"resolved_at": carried.data.received_at - timedelta(days=1)}
            )
        }
    )
    await store.apply([carried])
    before = deepcopy(store.buckets)
    outcome = await store.apply([bad])
    assert [e.id for e, _ in outcome.rejected] == [bad.id]
    assert "before it was received" in str(outcome.rejected[0][1])
    assert store.buckets == before


async def test_a_second_resolution_is_rejected() -> None:
    store = FakeStore()
    feed, [carried, *_] = open_cases()
    await store.apply([carried, feed.resolved(carried, Timeliness.EARLY)])
    outcome = await store.apply([feed.resolved(carried, Timeliness.LATE)])
    assert len(outcome.rejected) == 1


async def test_unknown_agency_is_refused() -> None:
    store = FakeStore()
    with pytest.raises(UnknownDimension) as caught:
        await one_stop_report(store, YEAR_2018, Scope(agency="NOPE"))
    assert caught.value.field == "agency"


@pytest.mark.parametrize(
    ("start", "end"), [(date(2024, 2, 1), date(2024, 1, 31)), (date(2000, 1, 1), date(2024, 1, 1))]
)
def test_inverted_or_overlong_periods_are_refused(start: date, end: date) -> None:
    with pytest.raises(PeriodError) as caught:
        Period(start, end)
    assert caught.value.field == "to"


def test_a_period_reaching_into_the_future_reports_as_of_today() -> None:
    today = date(2026, 11, 26)
    assert Period(date(2026, 1, 1), date(2026, 12, 31)).as_of(today).end == today
    assert Period(date(2018, 1, 1), date(2018, 12, 31)).as_of(today).end == date(2018, 12, 31)
    with pytest.raises(PeriodError) as caught:
        Period(date(2027, 1, 1), date(2027, 12, 31)).as_of(today)
    assert caught.value.field == "from"


async def test_a_register_entry_counts_as_received_resolved_returned_and_paid() -> None:
    recorded = example_event(CATALOGUE.for_model(CaseRecorded))
    store = FakeStore()
    outcome = await store.apply([recorded])
    assert (outcome.applied, outcome.rejected) == (1, [])
    report = await one_stop_report(store, YEAR_2018, Scope(agency="TCH"), "agency")
    total = report.total.as_dict()
    assert total["received"] == {
        "total": 1,
        "carried_over": 0,
        "new": 1,
        "online": 0,
        "direct_or_postal": 1,
        "online_pct": 0.0,
    }
    assert (total["resolved"]["total"], total["resolved"]["early"]) == (1, 1)
    assert total["in_progress"]["total"] == 0
    [paid] = await payments_report(store, YEAR_2018, "TCH", {HOUSING: "Nhà ở"})
    assert (paid.programme, paid.beneficiaries, paid.amount_vnd) == (HOUSING, 1, 40_000_000)
    assert store.cases[recorded.subject].projection.status == 10


async def test_a_register_entry_of_a_case_already_received_is_rejected() -> None:
    recorded = example_event(CATALOGUE.for_model(CaseRecorded))
    submitted = next(e for e in thanh_chuong_2018() if isinstance(e.data, CaseSubmitted))
    twin = new_event(
        recorded.data.model_copy(update={"case_code": submitted.subject}), time=recorded.time
    )
    store = FakeStore()
    await store.apply([submitted])
    outcome = await store.apply([twin])
    assert [str(error) for _, error in outcome.rejected] == [
        f"case {submitted.subject} was already submitted"
    ]
