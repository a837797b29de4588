"""The catalogue as shipped: procedures, agencies and programmes looked up by date."""

from datetime import UTC, date, datetime

import pytest

from services.intake.domain.catalogue import Catalogue
from services.intake.domain.catalogue_errors import (
    NotInEffect,
    NotReceivable,
    UnknownCode,
)
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.catalogue_values import Level, ProcedureField

pytestmark = pytest.mark.unit

BEFORE_REFORM = date(2024, 5, 15)
AFTER_REFORM = date(2026, 3, 2)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def codes(procedures: list) -> list[str]:
    return [procedure.code for procedure in procedures]


def test_all_27_reference_procedures_across_every_field(catalogue: Catalogue) -> None:
    procedures = catalogue.procedures()
    assert len({procedure.code for procedure in procedures}) == 27
    assert {procedure.field for procedure in procedures} == set(ProcedureField)


def test_housing_support_is_published_with_its_programme(catalogue: Catalogue) -> None:
    (housing,) = catalogue.search("nha o nguoi co cong")
    assert housing.payment_programme == "HO_TRO_NHA_O_NCC"
    assert housing.is_benefit
    assert catalogue.procedure(housing.code, date(2018, 6, 1)) == housing


def test_a_version_cannot_be_used_outside_its_period(catalogue: Catalogue) -> None:
    assert catalogue.procedure("1.001731", date(2025, 6, 30)).level is Level.HUYEN
    with pytest.raises(NotInEffect) as caught:
        catalogue.procedure("1.001731", date(2025, 7, 1))
    assert caught.value.periods == ["2021-07-01 to 2025-06-30"]
    with pytest.raises(NotInEffect):
        catalogue.procedure("1.014027", date(2025, 6, 30))
    assert catalogue.procedure("1.014027", date(2025, 7, 1)).processing_days == 10


def test_an_instant_is_read_as_a_date_in_viet_nam(catalogue: Catalogue) -> None:
    # 17:30 UTC on 30/6/2025 is already 1/7/2025 in Viet Nam: the two-tier regime applies.
    at = datetime(2025, 6, 30, 17, 30, tzinfo=UTC)
    with pytest.raises(NotInEffect):
        catalogue.procedure("1.001731", at)
    assert catalogue.procedure("1.014027", at).code == "1.014027"


def test_an_unknown_code_is_told_apart_from_one_not_in_effect(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownCode, match=r"9\.999999"):
        catalogue.procedure("9.999999", AFTER_REFORM)


@pytest.mark.parametrize(
    ("code", "at", "reason"),
    [
        ("LOCAL.NCC.003", date(2019, 3, 1), "no legal processing time"),
        ("1.014199", AFTER_REFORM, "documents is not complete"),
    ],
)
def test_incomplete_procedures_cannot_be_received(
    catalogue: Catalogue, code: str, at: date, reason: str
) -> None:
    assert catalogue.procedure(code, at).code == code
    with pytest.raises(NotReceivable, match=reason):
        catalogue.receivable_procedure(code, at)


def test_a_complete_procedure_can_be_received(catalogue: Catalogue) -> None:
    procedure = catalogue.receivable_procedure("1.010833", AFTER_REFORM)
    assert (procedure.processing_days, procedure.fee_vnd) == (5, 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nha o", "LOCAL.NCC.003"),
        ("NHÀ Ở", "LOCAL.NCC.003"),
        ("tho cung liet si", "1.010803"),
        ("khuyet tat doi cap lai", "1.001653"),
        ("1.0108", "1.010801"),
        ("giay phep lao dong", "1.014199"),
    ],
)
def test_search_ignores_accents_and_case(catalogue: Catalogue, query: str, expected: str) -> None:
    assert expected in codes(catalogue.search(query))


def test_search_finds_nothing_for_words_absent_everywhere(catalogue: Catalogue) -> None:
    assert catalogue.search("ho chieu xuat canh") == []


def test_filters_by_field_level_agency_level_and_benefit(catalogue: Catalogue) -> None:
    field = catalogue.search(field=ProcedureField.GIAM_NGHEO)
    assert set(codes(field)) == {"1.011606", "1.011607", "1.011609"}
    assert catalogue.search(level=Level.HUYEN, at=AFTER_REFORM) == []
    at_district = catalogue.search(agency_level=Level.HUYEN, at=BEFORE_REFORM)
    assert set(codes(at_district)) == {
        "1.001776",
        "1.001731",
        "LOCAL.BTXH.001",
        "2.000744",
        "1.010442",
        "LOCAL.NCC.003",
    }
    benefits = catalogue.search(is_benefit=True, at=AFTER_REFORM)
    assert benefits and all(procedure.is_benefit for procedure in benefits)
    assert "1.010833" not in codes(benefits)
    worship = catalogue.search("tro cap", field=ProcedureField.NGUOI_CO_CONG, at=BEFORE_REFORM)
    assert "1.010803" in codes(worship)
    assert "1.014027" not in codes(worship)


def test_a_commune_desk_lists_what_it_receives(catalogue: Catalogue) -> None:
    commune = catalogue.agency("DAIDONG", AFTER_REFORM)
    listed = codes(catalogue.search(at=AFTER_REFORM, agency_level=commune.level))
    assert "1.014027" in listed
    assert "1.014199" not in listed  # a provincial procedure
    assert "1.001731" not in listed  # ended with the district level


def test_the_department_before_and_after_its_merger(catalogue: Catalogue) -> None:
    assert catalogue.agency("SLDTBXH", date(2025, 2, 28)).level is Level.TINH
    with pytest.raises(NotInEffect):
        catalogue.agency("SLDTBXH", date(2025, 3, 1))
    assert catalogue.agency("SNV", date(2025, 3, 1)).name == "Sở Nội vụ tỉnh Nghệ An"


def test_the_seed_district_office_and_todays_communes(catalogue: Catalogue) -> None:
    district = catalogue.agency("TCH", date(2018, 6, 1))
    assert district.name == "Phòng Lao động - Thương binh và Xã hội huyện Thanh Chương"
    with pytest.raises(NotInEffect):
        catalogue.agency("TCH", date(2025, 7, 1))
    communes = catalogue.agencies(AFTER_REFORM, level=Level.XA)
    assert len(communes) == 9
    assert all(commune.parent == "SNV" for commune in communes)
    assert catalogue.agencies(AFTER_REFORM, level=Level.HUYEN) == []


def test_the_districts_communes_before_the_reform_and_what_replaced_them(
    catalogue: Catalogue,
) -> None:
    before = catalogue.agencies(date(2025, 6, 30), level=Level.XA)
    assert len(before) == 29
    assert all(commune.parent == "TCH" and commune.code.startswith("TCH.") for commune in before)
    after = {commune.code for commune in catalogue.agencies(date(2025, 7, 1), level=Level.XA)}
    assert {commune.replaced_by for commune in before} == after
    old_dai_dong = catalogue.agency("TCH.DAIDONG", date(2018, 6, 1))
    assert old_dai_dong.name == "Ủy ban nhân dân xã Đại Đồng"
    assert old_dai_dong.replaced_by == "DAIDONG"
    with pytest.raises(NotInEffect):
        catalogue.agency("TCH.DAIDONG", date(2025, 7, 1))


def test_the_districts_liên_thông_parent_follows_the_departments_merger(
    catalogue: Catalogue,
) -> None:
    assert catalogue.agency("TCH", date(2025, 2, 28)).parent == "SLDTBXH"
    assert catalogue.agency("TCH", date(2025, 3, 1)).parent == "SNV"
    assert catalogue.agency("SNV", AFTER_REFORM).parent == "UBNDNA"
    province = catalogue.agency("UBNDNA", AFTER_REFORM)
    assert not province.receives
    assert province not in catalogue.agencies(AFTER_REFORM, receives=True)
