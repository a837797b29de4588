"""Statuses 3 and 7 in the Biểu 06 figures, and online dossiers counted from the desk's acceptance.

A withdrawal (status 7, ``case-withdrawn``) ends processing like a stop: the case leaves the
in-progress figures, is not resolved, and is counted apart as "Rút hồ sơ". A refusal at the desk
(status 3, ``case-refused``) concerns a dossier never received: no figure counts it.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bench.reporting_feed import PROCEDURES, FeedBuilder
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import SubmitDossier
from services.intake.service_layer.cases import CaseDesk
from services.intake.service_layer.reception import Reception
from services.reporting.domain.period import Period
from services.reporting.domain.tables import ONE_STOP_HEADERS, one_stop_table
from services.reporting.service_layer.queries import Scope, one_stop_report
from shared.calendar import DEFAULT_CALENDAR
from shared.clock import ManualClock
from shared.events.codec import new_event
from shared.events.decisions import CaseWithdrawn, ProcessingStopped
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseRefused
from shared.events.values import SubmissionChannel, Timeliness
from tests.unit.intake_fakes import DESK_CLERK, PORTAL, FakeSequences, FakeUnits, dossier, july
from tests.unit.test_reporting_projection import FakeStore

pytestmark = pytest.mark.unit

RECEIVED = datetime(2024, 3, 4, 2, tzinfo=UTC)
MARCH = Period(date(2024, 3, 1), date(2024, 3, 31))


def withdrawal(submitted: Envelope[Any], days: int = 3) -> Envelope[Any]:
    data = EXAMPLES[CaseWithdrawn].model_copy(
        update={
            "case_code": submitted.subject,
            "withdrawn_at": RECEIVED + timedelta(days=days),
            "requested_on": date(2024, 3, 4 + days),
        }
    )
    return new_event(data)


def stop(submitted: Envelope[Any], days: int = 4) -> Envelope[Any]:
    data = EXAMPLES[ProcessingStopped].model_copy(
        update={"case_code": submitted.subject, "stopped_at": RECEIVED + timedelta(days=days)}
    )
    return new_event(data)


def refusal(case_code: str) -> Envelope[Any]:
    data = EXAMPLES[CaseRefused].model_copy(update={"case_code": case_code, "refused_at": RECEIVED})
    return new_event(data)


async def march_total(store: FakeStore) -> dict[str, Any]:
    return (await one_stop_report(store, MARCH, Scope())).total.as_dict()


async def test_a_withdrawal_closes_the_case_and_is_counted_apart_from_a_stop() -> None:
    feed, store = FeedBuilder(seed=7), FakeStore()
    withdrawn = feed.submitted(RECEIVED, PROCEDURES[0], SubmissionChannel.DIRECT)
    stopped = feed.submitted(RECEIVED, PROCEDURES[0], SubmissionChannel.DIRECT)
    open_one = feed.submitted(RECEIVED, PROCEDURES[0], SubmissionChannel.DIRECT)
    await store.apply([withdrawn, stopped, open_one, withdrawal(withdrawn), stop(stopped)])
    total = await march_total(store)
    assert total["received"]["total"] == 3
    assert total["resolved"]["total"] == 0
    assert (total["stopped"], total["withdrawn"]) == (1, 1)
    assert total["in_progress"]["total"] == 1  # only the open one
    report = await one_stop_report(store, MARCH, Scope())
    table = one_stop_table(report.rows, report.total)
    assert ONE_STOP_HEADERS[-2:] == ["Dừng xử lý", "Rút hồ sơ"]
    assert table.rows[-1][-2:] == [1, 1]
    # The next month, nothing withdrawn is carried over.
    april = Period(date(2024, 4, 1), date(2024, 4, 30))
    next_month = (await one_stop_report(store, april, Scope())).total
    assert (next_month.received.carried_over, next_month.withdrawn) == (1, 0)


async def test_a_withdrawal_that_arrives_before_its_receipt_gives_the_same_figures() -> None:
    feed, in_order, reversed_order = FeedBuilder(seed=8), FakeStore(), FakeStore()
    submitted = feed.submitted(RECEIVED, PROCEDURES[1], SubmissionChannel.ONLINE)
    await in_order.apply([submitted, withdrawal(submitted)])
    await reversed_order.apply([withdrawal(submitted)])
    await reversed_order.apply([submitted])
    assert in_order.buckets == reversed_order.buckets
    assert (await march_total(reversed_order))["withdrawn"] == 1
    assert in_order.cases[submitted.subject].projection.status == 7


async def test_a_case_ends_once_withdrawn_stopped_or_resolved() -> None:
    feed, store = FeedBuilder(seed=9), FakeStore()
    submitted = feed.submitted(RECEIVED, PROCEDURES[0], SubmissionChannel.DIRECT)
    await store.apply([submitted, withdrawal(submitted)])
    for second in (stop(submitted), feed.resolved(submitted, Timeliness.EARLY)):
        outcome = await store.apply([second])
        assert [e.id for e, _ in outcome.rejected] == [second.id]
        assert "already withdrawn" in str(outcome.rejected[0][1])
    resolved_case = feed.submitted(RECEIVED, PROCEDURES[0], SubmissionChannel.DIRECT)
    await store.apply([resolved_case, feed.resolved(resolved_case, Timeliness.EARLY)])
    late = withdrawal(resolved_case, days=10)
    assert [e.id for e, _ in (await store.apply([late])).rejected] == [late.id]
    assert (await march_total(store))["withdrawn"] == 1


async def test_a_refused_dossier_was_never_received_and_counts_nowhere() -> None:
    store = FakeStore()
    await store.apply([refusal("SNV.NA-240304-0001")])
    assert store.buckets == {}
    assert store.cases["SNV.NA-240304-0001"].projection.status == 3
    total = await march_total(store)
    assert total["received"]["total"] == total["withdrawn"] == total["stopped"] == 0


async def test_a_case_both_refused_and_received_is_rejected() -> None:
    feed, store = FeedBuilder(seed=10), FakeStore()
    submitted = feed.submitted(RECEIVED, PROCEDURES[0], SubmissionChannel.ONLINE)
    await store.apply([submitted])
    bad = refusal(submitted.subject)
    outcome = await store.apply([bad])
    assert [e.id for e, _ in outcome.rejected] == [bad.id]
    assert "both refused and received" in str(outcome.rejected[0][1])
    assert (await march_total(store))["received"]["online"] == 1


async def test_an_online_dossier_is_received_on_the_day_the_desk_accepts_it() -> None:
    """Registered by the portal on Monday 14/7/2025, accepted at the desk on Wednesday 16/7."""
    clock, units = ManualClock(july(14, 9)), FakeUnits()
    reception = Reception(load_catalogue(), units, FakeSequences(), DEFAULT_CALENDAR, clock)
    cmd = SubmitDossier.model_validate(dossier(channel="online"))
    code = (await reception.submit(cmd, None, PORTAL)).case.code
    clock.set(july(16, 10))
    await CaseDesk(units, clock).accept(code, DESK_CLERK)
    store = FakeStore()
    await store.apply(list(units.cases.published))
    before = Period(date(2025, 7, 14), date(2025, 7, 15))
    on_the_day = Period(date(2025, 7, 16), date(2025, 7, 16))
    assert (await one_stop_report(store, before, Scope())).total.received.new == 0
    received = (await one_stop_report(store, on_the_day, Scope())).total.received
    assert (received.online, received.direct_or_postal) == (1, 0)
