"""Short procedure names: present, short enough for an SMS, and carried onto case-submitted."""

import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from services.intake.domain.catalogue_errors import CatalogueDataError
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import SubmitDossier
from services.intake.domain.procedures import SHORT_NAME_MAX, Procedure
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR, LOCAL_TZ
from shared.clock import ManualClock
from shared.events.intake import CaseSubmitted
from tests.unit.intake_fakes import DESK_CLERK, FakeCases, FakeSequences, FakeUnits, dossier
from tests.unit.test_intake_catalogue_validation import data_dir, entry

pytestmark = pytest.mark.unit

CATALOGUE = load_catalogue()


@pytest.mark.parametrize("procedure", CATALOGUE.procedures(), ids=lambda p: p.code)
def test_every_procedure_has_a_short_vietnamese_name(procedure: Procedure) -> None:
    short = procedure.short_name
    assert 0 < len(short) <= SHORT_NAME_MAX
    assert short == unicodedata.normalize("NFC", short)
    # Vietnamese with diacritics: at least one letter outside ASCII.
    assert any(ord(char) > 127 for char in short), short


def test_versions_of_one_procedure_share_one_short_name() -> None:
    names: dict[str, set[str]] = {}
    for procedure in CATALOGUE.procedures():
        names.setdefault(procedure.code, set()).add(procedure.short_name)
    assert all(len(shorts) == 1 for shorts in names.values())


@pytest.mark.parametrize(
    ("short_name", "problem"),
    [
        ("Trợ cấp thờ cúng liệt sĩ cho thân nhân liệt sĩ", "at most 40 characters"),
        ("   ", "at least 1 character"),
        (None, "short_name: Input should be a valid string"),
    ],
)
def test_a_bad_short_name_is_refused_at_load(
    tmp_path: Path, short_name: str | None, problem: str
) -> None:
    def change(data: dict[str, Any]) -> None:
        entry(data, "procedures", "1.010803")["short_name"] = short_name

    with pytest.raises(CatalogueDataError) as caught:
        load_catalogue(data_dir(tmp_path, "procedures.yaml", change))
    assert caught.value.entry.endswith("(1.010803)")
    assert problem in caught.value.problem


async def test_reception_puts_the_short_name_on_case_submitted() -> None:
    cases = FakeCases()
    clock = ManualClock(datetime(2025, 7, 14, 9, tzinfo=LOCAL_TZ))
    desk = Reception(CATALOGUE, FakeUnits(cases), FakeSequences(), DEFAULT_CALENDAR, clock)
    submitted = await desk.submit(SubmitDossier.model_validate(dossier()), None, DESK_CLERK)
    [event] = cases.published
    assert isinstance(event.data, CaseSubmitted)
    assert event.data.procedure_short_name == "Đổi, cấp lại giấy xác nhận khuyết tật"
    assert submitted.case.submitted.procedure_short_name == event.data.procedure_short_name
