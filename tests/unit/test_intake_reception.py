"""Receiving dossiers against the real catalogue data, with storage faked in memory."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import SubmitDossier
from services.intake.domain.errors import IncompleteDossier, InvalidInput
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR, LOCAL_TZ
from shared.clock import ManualClock
from shared.events.intake import CaseSubmitted
from shared.events.values import TimeUnit
from tests.unit.intake_fakes import DESK_CLERK, FakeCases, FakeSequences, FakeUnits, dossier

pytestmark = pytest.mark.unit

CATALOGUE = load_catalogue()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def reception(at: datetime | ManualClock) -> tuple[Reception, FakeCases, FakeSequences]:
    """A reception on a store in memory, with the store and the day's counters to look into."""
    clock = at if isinstance(at, ManualClock) else ManualClock(at)
    cases, sequences = FakeCases(), FakeSequences()
    desk = Reception(CATALOGUE, FakeUnits(cases), sequences, DEFAULT_CALENDAR, clock)
    return desk, cases, sequences


async def test_a_complete_dossier_is_received_with_code_due_date_and_event() -> None:
    desk, cases, _ = reception(local(2025, 7, 14, 9))
    first = await desk.submit(SubmitDossier.model_validate(dossier()), None, DESK_CLERK)
    second = await desk.submit(SubmitDossier.model_validate(dossier()), None, DESK_CLERK)
    assert [first.case.code, second.case.code] == ["DAIDONG-250714-0001", "DAIDONG-250714-0002"]
    assert first.case.status == 2
    assert first.case.due_at == local(2025, 7, 21, 17)
    [event, _] = cases.published
    assert isinstance(event.data, CaseSubmitted)
    assert event.subject == "DAIDONG-250714-0001"
    assert event.data.applicant.phone == "+84912345678"
    assert event.data.due_at == local(2025, 7, 21, 17).astimezone(UTC)


async def test_the_daily_number_restarts_the_next_day_in_viet_nam_time() -> None:
    clock = ManualClock(local(2025, 7, 14, 23, 30))
    desk, _, _ = reception(clock)
    await desk.submit(SubmitDossier.model_validate(dossier()), None, DESK_CLERK)
    clock.set(local(2025, 7, 15, 0, 30))
    late = await desk.submit(SubmitDossier.model_validate(dossier()), None, DESK_CLERK)
    assert late.case.code == "DAIDONG-250715-0001"


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Tết 2026: off from Saturday 14/2 to Sunday 22/2.
        (local(2026, 2, 12, 10), local(2026, 2, 26, 17)),
        # 2/9/2025 with Monday 1/9 off.
        (local(2025, 8, 28, 10), local(2025, 9, 8, 17)),
        # 2/9/2026 with 31/8 swapped off and 1/9 off.
        (local(2026, 8, 27, 10), local(2026, 9, 8, 17)),
    ],
)
async def test_due_dates_skip_tet_and_national_day(received: datetime, due: datetime) -> None:
    submitted = await reception(received)[0].submit(
        SubmitDossier.model_validate(dossier()), None, DESK_CLERK
    )
    assert submitted.case.due_at == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 97 days after Tuesday 26/8/2025 is Monday 1/12/2025, a working day: it stays.
        (local(2025, 8, 26, 10), local(2025, 12, 1, 17)),
        # 97 days after Monday 25/8/2025 is Sunday 30/11/2025: the next working day.
        (local(2025, 8, 25, 10), local(2025, 12, 1, 17)),
        # 97 days after Friday 26/9/2025 is Tết Dương lịch 1/1/2026; 2/1 is swapped off.
        (local(2025, 9, 26, 10), local(2026, 1, 5, 17)),
    ],
)
async def test_a_97_calendar_day_procedure_is_due_97_days_later_on_a_working_day(
    received: datetime, due: datetime
) -> None:
    desk, cases, _ = reception(received)
    cmd = SubmitDossier.model_validate(dossier(procedure_code="1.010778"))
    submitted = await desk.submit(cmd, None, DESK_CLERK)
    assert submitted.case.due_at == due
    [event] = cases.published
    assert (event.data.processing_days, event.data.processing_time_unit) == (
        97,
        TimeUnit.CALENDAR_DAYS,
    )


async def test_a_working_day_procedure_still_counts_working_days() -> None:
    desk, cases, _ = reception(local(2025, 8, 26, 10))
    submitted = await desk.submit(SubmitDossier.model_validate(dossier()), None, DESK_CLERK)
    # 5 working days from Wednesday 27/8, skipping 1/9 and 2/9/2025.
    assert submitted.case.due_at == local(2025, 9, 4, 17)
    [event] = cases.published
    assert event.data.processing_time_unit is TimeUnit.WORKING_DAYS


async def test_an_incomplete_dossier_lists_what_is_missing_and_stores_nothing() -> None:
    desk, cases, sequences = reception(local(2025, 7, 14, 9))
    with pytest.raises(IncompleteDossier) as refused:
        await desk.submit(SubmitDossier.model_validate(dossier(documents=[])), None, DESK_CLERK)
    [missing] = refused.value.missing
    assert missing.name.startswith("Đơn đề nghị")
    assert (missing.copy_kind, missing.count) == ("original", 1)
    assert cases.docs == {}
    assert sequences.last == {}


@pytest.mark.parametrize(
    ("overrides", "at", "field"),
    [
        ({"procedure_code": "9.999999"}, local(2025, 7, 14, 9), "procedure_code"),
        # 1.001731 ended with the district level on 30/6/2025.
        ({"procedure_code": "1.001731"}, local(2025, 7, 14, 9), "procedure_code"),
        ({"agency_code": "NOWHERE"}, local(2025, 7, 14, 9), "agency_code"),
        # The district office closed on 30/6/2025.
        ({"agency_code": "TCH"}, local(2025, 7, 14, 9), "agency_code"),
        # A province department does not receive a commune's procedure.
        ({"agency_code": "SNV"}, local(2025, 7, 14, 9), "agency_code"),
        (
            {"documents": [{"key": "so-do", "kind": "original", "count": 1}]},
            local(2025, 7, 14, 9),
            "documents.0.key",
        ),
    ],
)
async def test_unusable_requests_name_the_field(overrides: dict, at: datetime, field: str) -> None:
    desk, cases, _ = reception(at)
    with pytest.raises(InvalidInput) as refused:
        await desk.submit(SubmitDossier.model_validate(dossier(**overrides)), None, DESK_CLERK)
    assert refused.value.field == field
    assert cases.docs == {}


async def test_a_procedure_the_catalogue_cannot_receive_is_refused_saying_why() -> None:
    """1.011606: no source gives its legal processing time, so no due date can be set."""
    desk, cases, _ = reception(local(2025, 7, 14, 9))
    cmd = SubmitDossier.model_validate(dossier(procedure_code="1.011606"))
    with pytest.raises(InvalidInput) as refused:
        await desk.submit(cmd, None, DESK_CLERK)
    assert (refused.value.field, refused.value.reason) == (
        "procedure_code",
        "Thủ tục chưa đủ dữ liệu để tiếp nhận hồ sơ",
    )
    assert cases.docs == {}


async def test_a_retry_with_the_same_key_returns_the_same_case() -> None:
    desk, cases, sequences = reception(local(2025, 7, 14, 9))
    cmd = SubmitDossier.model_validate(dossier())
    first = await desk.submit(cmd, "retry-1", DESK_CLERK)
    again = await desk.submit(cmd, "retry-1", DESK_CLERK)
    assert (first.created, again.created) == (True, False)
    assert again.case.code == first.case.code
    assert len(cases.published) == 1
    assert sequences.last == {"DAIDONG-250714": 1}


async def test_the_same_key_with_another_dossier_is_refused_naming_the_header() -> None:
    desk, cases, _ = reception(local(2025, 7, 14, 9))
    await desk.submit(SubmitDossier.model_validate(dossier()), "retry-2", DESK_CLERK)
    other = dossier(channel="online")
    with pytest.raises(InvalidInput) as refused:
        await desk.submit(SubmitDossier.model_validate(other), "retry-2", DESK_CLERK)
    assert refused.value.field == "header.idempotency-key"
    assert len(cases.docs) == 1


def test_applicant_fields_are_checked_at_the_edge() -> None:
    bad = dossier()
    bad["applicant"] = {**bad["applicant"], "citizen_id": "04008500123", "phone": "0238 3123 456"}
    with pytest.raises(ValidationError) as refused:
        SubmitDossier.model_validate(bad)
    fields = {".".join(map(str, e["loc"])) for e in refused.value.errors()}
    assert fields == {"applicant.citizen_id", "applicant.phone"}


async def test_a_request_overtaken_by_a_retry_of_itself_returns_the_retrys_case() -> None:
    """Two requests with one key both find it free; the one that stores second gets the first's
    case, and the number it drew stays unused."""
    desk, cases, _ = reception(local(2025, 7, 14, 9))
    cmd = SubmitDossier.model_validate(dossier())

    class Overtaken(FakeSequences):
        async def next_number(self, key: str) -> int:
            number = await super().next_number(key)
            if number == 1:  # the retry runs while this request holds its number
                await desk.submit(cmd, "overtaken", DESK_CLERK)
            return number

    desk = replace(desk, sequences=Overtaken())
    slow = await desk.submit(cmd, "overtaken", DESK_CLERK)
    assert (slow.created, slow.case.code) == (False, "DAIDONG-250714-0002")
    assert list(cases.docs) == ["DAIDONG-250714-0002"]
    assert len(cases.published) == 1


async def test_the_phone_channels_chosen_at_receipt_go_on_the_event() -> None:
    desk, cases, _ = reception(local(2025, 7, 14, 9))
    chosen = SubmitDossier.model_validate(dossier(phone_channels=["zalo"]))
    await desk.submit(chosen, None, DESK_CLERK)
    await desk.submit(SubmitDossier.model_validate(dossier()), None, DESK_CLERK)
    zalo, default = (event.data for event in cases.published)
    assert isinstance(zalo, CaseSubmitted) and isinstance(default, CaseSubmitted)
    assert (zalo.phone_channels, default.phone_channels) == (["zalo"], ["sms"])
    with pytest.raises(ValidationError, match="phone_channels"):
        SubmitDossier.model_validate(dossier(phone_channels=["fax"]))
