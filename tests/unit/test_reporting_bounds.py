"""Reporting's bounds: periods only in the years 1900-2100, events outside the bounds refused, and
no personal data (ID numbers, phone numbers, names) in the projection it stores."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bench.reporting_feed import HOUSING, PROCEDURES, FeedBuilder
from services.reporting.adapters.serialization import case_document
from services.reporting.domain.bounds import MAX_AMOUNT_VND
from services.reporting.domain.case import CaseProjection, ProjectionError
from services.reporting.domain.period import Period, PeriodError
from services.reporting.domain.rules import apply_event
from services.reporting.service_layer.ports import StoredCase
from shared.events.envelope import Envelope
from shared.events.examples import APPLICANT
from shared.events.values import SubmissionChannel, Timeliness
from tests.personal_data import raw_numbers

pytestmark = pytest.mark.unit

RECEIVED = datetime(2018, 3, 5, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(9999, 1, 1), date(9999, 12, 31), "from"),
        (date(2018, 1, 1), date(9999, 12, 31), "to"),
        (date(1, 1, 1), date(1, 1, 1), "from"),
        (date(1899, 12, 31), date(1900, 1, 5), "from"),
        (date(2100, 12, 31), date(2101, 1, 1), "to"),
    ],
)
def test_a_period_outside_the_years_1900_to_2100_names_its_field(
    start: date, end: date, field: str
) -> None:
    with pytest.raises(PeriodError) as raised:
        Period(start, end)
    assert raised.value.field == field
    assert "1900" in raised.value.reason and "2100" in raised.value.reason


def test_the_first_and_last_years_are_reportable() -> None:
    assert Period(date(1900, 1, 1), date(1900, 12, 31)).first_day == "1900-01-01"
    assert Period(date(2100, 1, 1), date(2100, 12, 31)).last_day == "2100-12-31"


def projected(*events: Envelope[Any]) -> CaseProjection:
    case = CaseProjection(events[0].subject)
    for event in events:
        case = apply_event(case, event)
    return case


def test_an_event_in_year_9999_breaks_the_projection_instead_of_the_day_arithmetic() -> None:
    feed = FeedBuilder()
    submitted = feed.submitted(RECEIVED, PROCEDURES[0], SubmissionChannel.DIRECT)
    resolved = feed.resolved(submitted, Timeliness.EARLY)
    far = {"resolved_at": datetime(9999, 12, 31, 23, 0, tzinfo=UTC)}
    late = resolved.model_copy(update={"data": resolved.data.model_copy(update=far)})
    with pytest.raises(ProjectionError, match="outside the years 1900-2100"):
        projected(submitted, late)


def test_an_amount_no_aggregate_can_sum_breaks_the_projection() -> None:
    feed = FeedBuilder()
    submitted = feed.submitted(RECEIVED, PROCEDURES[0], SubmissionChannel.DIRECT)
    resolved = feed.resolved(submitted, Timeliness.EARLY)
    assert projected(submitted, resolved, feed.payment(resolved, HOUSING, MAX_AMOUNT_VND, 1))
    with pytest.raises(ProjectionError, match="amount"):
        projected(submitted, resolved, feed.payment(resolved, HOUSING, 2**63, 2))


def test_the_stored_projection_keeps_no_id_number_phone_or_name() -> None:
    feed = FeedBuilder()
    submitted = feed.submitted(RECEIVED, PROCEDURES[0], SubmissionChannel.ONLINE)
    resolved = feed.resolved(submitted, Timeliness.ON_TIME)
    paid = feed.payment(resolved, HOUSING, 20_000_000, 7)
    # The events carry the applicant and the beneficiary; the projection must drop them.
    assert APPLICANT.citizen_id in submitted.model_dump_json()
    assert paid.data.beneficiary.citizen_id in paid.model_dump_json()
    stored = str(case_document(StoredCase(projected(submitted, resolved, paid))))
    assert not raw_numbers(stored), stored
    for personal in (APPLICANT.full_name, APPLICANT.phone, paid.data.beneficiary.full_name):
        assert str(personal) not in stored
