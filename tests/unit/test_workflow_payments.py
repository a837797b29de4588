"""What a benefit decision pays: the programme's rate at the decision's date, nothing else."""

from datetime import date

import pytest

from services.workflow.adapters.definitions import load_programmes
from services.workflow.domain.errors import InvalidInput
from services.workflow.domain.payments import Programme, decided_amount

ON = date(2025, 7, 16)


def programme(code: str) -> Programme:
    found = load_programmes().get(code)
    assert found is not None, code
    return found


def amount(code: str, option: str | None = None, quantity: int = 1, **kw: object) -> int:
    stated = kw.get("amount_vnd")
    on = kw.get("on", ON)
    assert isinstance(on, date) and (stated is None or isinstance(stated, int))
    return decided_amount(
        programme(code), amount_vnd=stated, option=option, quantity=quantity, on=on
    )


def test_programme_rules_fix_the_amount_by_option_quantity_and_date() -> None:
    assert amount("HO_TRO_NHA_O_NCC", "xay-moi") == 40_000_000
    assert amount("MUC_CHUAN_NCC") == 2_789_000
    assert amount("MUC_CHUAN_NCC", on=date(2024, 1, 2)) == 2_055_000
    assert amount("MUC_CHUAN_NCC", on=date(2024, 6, 30)) == 2_055_000
    assert amount("TC_HUU_TRI_XH") == 500_000
    assert amount("TC_THO_CUNG_LS", quantity=2) == 2_800_000


def test_a_stated_amount_must_be_the_rate_in_force() -> None:
    assert amount("HO_TRO_NHA_O_NCC", "sua-chua", amount_vnd=20_000_000) == 20_000_000
    for wrong in (15_000_000, 9_000_000_000_000_000_000):
        with pytest.raises(InvalidInput) as refused:
            amount("HO_TRO_NHA_O_NCC", "sua-chua", amount_vnd=wrong)
        assert refused.value.field == "payment.amount_vnd"
        assert "20.000.000 đồng" in refused.value.reason


def test_a_programme_fixing_no_amount_takes_the_decisions() -> None:
    assert amount("TC_XH_HANG_THANG", amount_vnd=720_000) == 720_000
    with pytest.raises(InvalidInput) as refused:
        amount("TC_XH_HANG_THANG")
    assert refused.value.field == "payment.amount_vnd"


@pytest.mark.parametrize(
    ("option", "field"), [(None, "payment.option"), ("xay-nha-moi", "payment.option")]
)
def test_an_option_the_rules_do_not_have_is_refused(option: str | None, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        amount("HO_TRO_NHA_O_NCC", option)
    assert refused.value.field == field


def test_a_rate_applies_only_from_its_date() -> None:
    with pytest.raises(InvalidInput) as refused:
        amount("HO_TRO_NHA_O_NCC", "xay-moi", on=date(2013, 6, 14))
    assert refused.value.field == "payment.option"
