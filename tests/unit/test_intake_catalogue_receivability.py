"""Where each procedure can be received at three dates: in 2018 (the seed's year), in 2024 (before
the 2025 reform) and today (2/12/2026). Receivability follows from the data: a version in effect,
complete enough for a desk, and the desks in effect whose level that version names."""

from datetime import date

import pytest

from services.intake.domain.catalogue import Catalogue
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.catalogue_values import Level

pytestmark = pytest.mark.unit

Y2018, Y2024, TODAY = date(2018, 6, 1), date(2024, 6, 3), date(2026, 12, 2)
XA, HUYEN, TINH = Level.XA, Level.HUYEN, Level.TINH
NOWHERE: frozenset[Level] = frozenset()

# code: levels of the desks that receive it in 2018, in 2024 and today.
EXPECTED: dict[str, tuple[set[Level], set[Level], set[Level]]] = {
    # Bảo trợ xã hội
    "1.014027": (set(), set(), {XA}),  # social pension from 1/7/2025
    "1.001776": (set(), {XA, HUYEN}, {XA}),  # NĐ 20/2021, then the commune decides
    "1.001731": (set(), {XA, HUYEN}, set()),  # post-reform flow not found
    "1.014028": (set(), set(), {XA}),  # NĐ 176/2025
    "1.001699": (set(), {XA}, {XA}),  # form of TT 01/2019
    "1.001653": (set(), {XA}, {XA}),
    "LOCAL.BTXH.001": (set(), {XA, HUYEN}, set()),  # a move within one district
    "2.000744": (set(), {XA, HUYEN}, set()),
    "2.000286": (set(), {XA}, set()),
    # Giảm nghèo
    "1.011606": (set(), set(), set()),  # yearly review: no time from receipt
    "1.011607": ({XA}, {XA}, {XA}),  # TT 17/2016, then QĐ 24/2021
    "1.011609": (set(), {XA}, {XA}),
    # Người có công
    "1.010801": (set(), {XA, TINH}, {XA, TINH}),
    "1.010803": ({XA}, {XA}, {XA}),  # NĐ 31/2013, NĐ 131/2021, after the reform
    "1.010442": (set(), {XA, HUYEN}, set()),
    "1.010833": (set(), {XA}, {XA}),
    "1.010824": (set(), set(), set()),  # total time not found
    "1.010778": (set(), set(), {XA}),  # post-reform version only
    "LOCAL.NCC.001": (set(), {XA, TINH}, {XA, TINH}),
    "LOCAL.NCC.002": ({HUYEN}, {XA}, {XA}),  # district office, then the commune (NĐ 131/2021)
    "2.002757": (set(), set(), {XA}),
    "LOCAL.NCC.004": (set(), set(), set()),  # document list cut off
    "LOCAL.NCC.003": (set(), set(), set()),  # housing: no procedure page
    # Việc làm, giáo dục nghề nghiệp
    "1.014199": (set(), set(), set()),  # document list incomplete
    "LOCAL.VL.001": ({TINH}, {TINH}, set()),  # Luật Việc làm 2013, until 31/12/2025
    "2.002821": ({XA}, {XA}, {XA}),
    "LOCAL.GDNN.001": (set(), set(), set()),  # no document list
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_the_walk_covers_every_procedure(catalogue: Catalogue) -> None:
    assert set(EXPECTED) == {procedure.code for procedure in catalogue.procedures()}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_where_each_procedure_is_received_in_2018_2024_and_today(
    catalogue: Catalogue, code: str
) -> None:
    for at, levels in zip((Y2018, Y2024, TODAY), EXPECTED[code], strict=True):
        desks = catalogue.desks_receiving(code, at)
        assert {desk.level for desk in desks} == levels, (code, at)
        # Every desk of that level in effect that day receives it, and only desks in effect.
        expected_desks = [a for a in catalogue.agencies(at, receives=True) if a.level in levels]
        assert desks == expected_desks, (code, at)
        assert all(desk.in_effect(at) and desk.receives for desk in desks)


def test_the_department_receives_what_the_law_gives_it(catalogue: Catalogue) -> None:
    def received_at(agency: str, at: date) -> set[str]:
        return {
            code
            for code in EXPECTED
            if agency in [desk.code for desk in catalogue.desks_receiving(code, at)]
        }

    assert received_at("SLDTBXH", Y2018) == {"LOCAL.VL.001"}
    assert received_at("SLDTBXH", Y2024) == {"1.010801", "LOCAL.NCC.001", "LOCAL.VL.001"}
    assert received_at("SNV", TODAY) == {"1.010801", "LOCAL.NCC.001"}


def test_today_1_001776_is_received_at_the_communes_the_law_names(catalogue: Catalogue) -> None:
    desks = catalogue.desks_receiving("1.001776", TODAY)
    assert {desk.code for desk in desks} == {
        "BICHHAO",
        "CATNGAN",
        "DAIDONG",
        "HANHLAM",
        "HOAQUAN",
        "KIMBANG",
        "SONLAM",
        "TAMDONG",
        "XUANLAM",
    }
    assert catalogue.receivable_procedure("1.001776", TODAY).level is XA


def test_accent_free_search_finds_housing_and_says_why_it_cannot_be_received_today(
    catalogue: Catalogue,
) -> None:
    codes = [procedure.code for procedure in catalogue.search("nha o", at=date(2024, 6, 3))]
    assert codes == ["LOCAL.NCC.003"]
    assert catalogue.desks_receiving("LOCAL.NCC.003", Y2018) == []


def test_shown_papers_are_not_among_those_received(catalogue: Catalogue) -> None:
    today = catalogue.receivable_procedure("1.001776", TODAY)
    assert "can-cuoc" in [paper.key for paper in today.shown_documents]
    assert "can-cuoc" not in [document.key for document in today.documents]
    for procedure in catalogue.procedures():
        assert not any("căn cước" in d.name.casefold() for d in procedure.documents), procedure.code
