"""The shipped catalogue agrees with the reference facts it was built from."""

from pathlib import Path

import pytest
import yaml

from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.procedures import Procedure
from shared.events.values import TimeUnit

REFERENCE = (
    Path(__file__).parents[3] / "shared" / "reference" / "procedures-and-calendar-facts.yaml"
)
# Versions whose time the reference gives in its notes rather than in its time fields, each
# explained in procedures.yaml: (entry, time) pairs, in working days as the notes state.
TIMES_FROM_NOTES = {
    ("gn-02", 7),  # older version under TT 17/2016
    ("ncc-01", 27),  # older version under NĐ 31/2013 (5 + 10 + 12 NLV)
    ("ncc-08", 3),  # NĐ 131/2021 commune version (03 NLV); the time field is the older one's
}
FREE = ("Không", "0 đồng")

pytestmark = [
    pytest.mark.unit,
    pytest.mark.skipif(not REFERENCE.exists(), reason=f"reference file absent: {REFERENCE}"),
]


@pytest.fixture(scope="module")
def reference() -> dict[str, dict]:
    facts = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in facts["procedures"]}


def procedures() -> list[Procedure]:
    return load_catalogue().procedures()


@pytest.mark.parametrize("procedure", procedures(), ids=lambda procedure: procedure.code)
def test_code_flag_time_and_fee_match_the_reference(
    procedure: Procedure, reference: dict[str, dict]
) -> None:
    fact = reference[procedure.reference]
    assert procedure.national_code == fact["ma_tthc"]
    # A version with derived fields is never marked verified, whatever the entry's flag.
    assert procedure.verified is (fact["verified"] and not procedure.derived)
    working_days, days = fact["thoi_han_ngay_lam_viec"], fact.get("thoi_han_ngay")
    from_notes = (procedure.reference, procedure.processing_days) in TIMES_FROM_NOTES
    if from_notes:
        assert procedure.time_unit is TimeUnit.WORKING_DAYS
        return
    if "processing_days" not in procedure.derived and (working_days or days):
        assert procedure.processing_days == (working_days or days)
    if procedure.processing_days is not None:
        # The law's unit: calendar days exactly where the reference reads only "ngày".
        calendar_days = fact.get("thoi_han_ngay") is not None and not working_days
        expected_unit = TimeUnit.CALENDAR_DAYS if calendar_days else TimeUnit.WORKING_DAYS
        assert procedure.time_unit is expected_unit
    if any(word in str(fact["phi_le_phi"]) for word in FREE):
        assert procedure.fee_vnd == 0


def test_each_reference_entry_feeds_one_procedure_code(reference: dict[str, dict]) -> None:
    code_of: dict[str, set[str]] = {}
    for procedure in procedures():
        code_of.setdefault(procedure.reference, set()).add(procedure.code)
    assert set(code_of) <= set(reference)
    assert all(len(codes) == 1 for codes in code_of.values())
