"""Processing flows and payment programmes are data, validated when loaded."""

from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from services.workflow.adapters.definitions import load_processes, load_programmes
from services.workflow.domain.errors import InvalidInput
from services.workflow.domain.payments import decided_amount
from services.workflow.domain.processes import ProcessCatalogue, StepAction

pytestmark = pytest.mark.unit

REVIEW = {"id": "tham-dinh", "name": "Thẩm định", "role": "specialist", "action": "review"}
DECIDE = {"id": "phe-duyet", "name": "Phê duyệt", "role": "leader", "action": "decide"}
RETURN = {"id": "tra", "name": "Trả kết quả", "role": "reception_clerk", "action": "return"}


def flow(*steps: dict) -> dict:
    return {"default": list(steps)}


def test_the_shipped_flows_load_and_unknown_procedures_get_the_default() -> None:
    catalogue = load_processes()
    own = catalogue.for_procedure("1.010803")
    assert [step.id for step in own.steps][-1] == "tra-ket-qua"
    assert catalogue.for_procedure("9.999999") == catalogue.default
    assert own.cumulative_shares()[-1] == 100
    assert [s.action for s in catalogue.default.steps] == [
        StepAction.REVIEW,
        StepAction.DECIDE,
        StepAction.RETURN,
    ]


def test_a_well_formed_flow_is_accepted() -> None:
    catalogue = ProcessCatalogue.from_mapping(
        flow({**REVIEW, "share": 50}, {**DECIDE, "share": 40}, {**RETURN, "share": 10})
    )
    assert catalogue.default.cumulative_shares() == [50, 90, 100]


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        (
            [{**REVIEW, "share": 50}, {**DECIDE, "share": 40}, {**RETURN, "share": 5}],
            "sum to 100",
        ),
        ([{**REVIEW, "share": 60}, {**RETURN, "share": 40}], "leader's decision"),
        ([{**DECIDE, "share": 90}, {**REVIEW, "share": 10}], "last step"),
        (
            [
                {**REVIEW, "share": 50},
                {**REVIEW, "share": 40},
                {**DECIDE, "share": 5},
                {**RETURN, "share": 5},
            ],
            "unique",
        ),
        (
            [
                {**REVIEW, "role": "reception_clerk", "share": 50},
                {**DECIDE, "role": "specialist", "share": 40},
                {**RETURN, "share": 10},
            ],
            "leader's decision",
        ),
        ([{**REVIEW, "share": 0}, {**DECIDE, "share": 90}, {**RETURN, "share": 10}], "greater"),
        ([{**REVIEW, "share": 50.5}, {**DECIDE, "share": 39.5}, {**RETURN, "share": 10}], "int"),
    ],
)
def test_a_malformed_flow_is_refused_at_load_with_its_reason(steps: list, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        ProcessCatalogue.from_mapping(flow(*steps))


def test_programme_rules_fix_the_amount_by_option_quantity_and_date() -> None:
    programmes = load_programmes()
    housing = programmes.get("HO_TRO_NHA_O_NCC")
    merit = programmes.get("MUC_CHUAN_NCC")
    on = date(2025, 7, 16)
    assert (
        decided_amount(housing, amount_vnd=None, option="xay-moi", quantity=1, on=on) == 40_000_000
    )
    assert decided_amount(merit, amount_vnd=None, option=None, quantity=1, on=on) == 2_789_000
    assert (
        decided_amount(merit, amount_vnd=None, option=None, quantity=1, on=date(2024, 1, 2))
        == 2_055_000
    )
    assert (
        decided_amount(merit, amount_vnd=None, option=None, quantity=1, on=date(2024, 6, 30))
        == 2_055_000
    )
    pension = programmes.get("TC_HUU_TRI_XH")
    assert decided_amount(pension, amount_vnd=None, option=None, quantity=1, on=on) == 500_000
    worship = programmes.get("TC_THO_CUNG_LS")
    assert decided_amount(worship, amount_vnd=None, option=None, quantity=2, on=on) == 2_800_000
    assert (
        decided_amount(housing, amount_vnd=15_000_000, option=None, quantity=1, on=on) == 15_000_000
    )


@pytest.mark.parametrize(
    ("code", "option", "field"),
    [
        ("HO_TRO_NHA_O_NCC", None, "option"),
        ("HO_TRO_NHA_O_NCC", "xay-nha-moi", "option"),
        ("NO_SUCH_PROGRAMME", None, "amount_vnd"),
        ("TC_XH_HANG_THANG", None, "amount_vnd"),
    ],
)
def test_an_amount_the_rules_cannot_fix_is_refused(
    code: str, option: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        decided_amount(
            load_programmes().get(code),
            amount_vnd=None,
            option=option,
            quantity=1,
            on=date(2025, 7, 16),
        )
    assert refused.value.field == field


def test_a_rate_applies_only_from_its_date() -> None:
    with pytest.raises(InvalidInput) as refused:
        decided_amount(
            load_programmes().get("HO_TRO_NHA_O_NCC"),
            amount_vnd=None,
            option="xay-moi",
            quantity=1,
            on=date(2013, 6, 14),
        )
    assert refused.value.field == "option"


def test_every_programme_intake_sends_has_the_workflows_rules() -> None:
    # The codes travel on case-submitted.payment_programme; services share no code, so the data
    # files are compared here.
    intake_file = Path(__file__).parents[2] / "services/intake/data/programmes.yaml"
    intake_codes = {p["code"] for p in yaml.safe_load(intake_file.read_text())["programmes"]}
    assert intake_codes == set(load_programmes().root)
