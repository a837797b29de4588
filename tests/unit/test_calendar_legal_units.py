"""Deadlines in the law's unit, through reception: a time in "ngày" counts calendar days and ends
on the next working day only when its last day is a weekend or a day off (Civil Code 2015, art.
148); a time in "ngày làm việc" counts working days. Every receivable version is walked."""

from datetime import date, datetime, time, timedelta

import pytest

from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import SubmitDossier
from services.intake.domain.procedures import Procedure
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR, LOCAL_TZ, is_working_day
from shared.clock import ManualClock
from shared.events.intake import CaseSubmitted
from shared.events.values import TimeUnit
from tests.unit.intake_fakes import DESK_CLERK, FakeCases, FakeSequences, FakeUnits, dossier

pytestmark = pytest.mark.unit

CATALOGUE = load_catalogue()
DATES = (date(2018, 6, 1), date(2024, 6, 3), date(2026, 12, 2))
# (received, expected due date) for 1.010778, 97 calendar days.
NINETY_SEVEN = [
    # Last day Monday 1/12/2025, a working day: due that day.
    (date(2025, 8, 26), date(2025, 12, 1)),
    # Last day Sunday 30/11/2025: moved to Monday 1/12.
    (date(2025, 8, 25), date(2025, 12, 1)),
    # Last day Thursday 1/1/2026 (Tết Dương lịch), then Friday 2/1 (swapped off) and the weekend:
    # Monday 5/1/2026.
    (date(2025, 9, 26), date(2026, 1, 5)),
    # Tết Bính Ngọ (14/2-22/2/2026) on the way does not count: last day Thursday 9/4/2026.
    (date(2026, 1, 2), date(2026, 4, 9)),
]


async def received(code: str, day: date) -> CaseSubmitted:
    """case-submitted for a complete dossier of `code`, at the first desk receiving it on `day`."""
    procedure = CATALOGUE.receivable_procedure(code, day)
    desk = CATALOGUE.desks_receiving(code, day)[0]
    papers = [
        {"key": d.key, "kind": d.kind.value, "count": d.count}
        for d in procedure.documents
        if d.required
    ]
    body = dossier(procedure_code=code, agency_code=desk.code, documents=papers)
    cases = FakeCases()
    clock = ManualClock(datetime.combine(day, time(9), tzinfo=LOCAL_TZ))
    desk_service = Reception(CATALOGUE, FakeUnits(cases), FakeSequences(), DEFAULT_CALENDAR, clock)
    await desk_service.submit(SubmitDossier.model_validate(body), None, DESK_CLERK)
    [event] = cases.published
    assert isinstance(event.data, CaseSubmitted)
    return event.data


def receivable_versions() -> list[tuple[Procedure, date]]:
    seen = []
    for day in DATES:
        for procedure in CATALOGUE.procedures(day):
            if procedure.not_receivable_because is None and CATALOGUE.desks_receiving(
                procedure.code, day
            ):
                seen.append((procedure, day))
    return seen


@pytest.mark.parametrize(("received_on", "due_on"), NINETY_SEVEN)
async def test_a_97_day_procedure_is_due_97_calendar_days_later_or_the_next_working_day(
    received_on: date, due_on: date
) -> None:
    event = await received("1.010778", received_on)
    assert (event.processing_days, event.processing_time_unit) == (97, TimeUnit.CALENDAR_DAYS)
    assert event.processing_time_unit.label == "ngày"
    last_day = received_on + timedelta(days=97)
    assert event.due_at.astimezone(LOCAL_TZ).date() == due_on
    assert (due_on == last_day) is is_working_day(last_day)
    assert all(
        not is_working_day(last_day + timedelta(days=n)) for n in range((due_on - last_day).days)
    )


@pytest.mark.parametrize(
    ("procedure", "day"), receivable_versions(), ids=lambda v: getattr(v, "code", str(v))
)
async def test_every_receivable_version_is_due_in_its_own_unit(
    procedure: Procedure, day: date
) -> None:
    event = await received(procedure.code, day)
    assert event.processing_time_unit is procedure.time_unit
    start = datetime.combine(day, time(9), tzinfo=LOCAL_TZ)
    assert procedure.processing_days is not None
    if procedure.time_unit is TimeUnit.CALENDAR_DAYS:
        assert event.processing_time_unit.label == "ngày"
        expected = DEFAULT_CALENDAR.add_calendar_days(start, procedure.processing_days)
    else:
        assert event.processing_time_unit.label == "ngày làm việc"
        expected = DEFAULT_CALENDAR.add_working_days(start, procedure.processing_days)
    assert event.due_at == expected
    assert is_working_day(event.due_at.astimezone(LOCAL_TZ).date())
