"""Processing flows and payment programmes are data, validated when loaded."""

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from services.intake.domain.catalogue_loading import load_catalogue
from services.workflow.adapters.definitions import load_processes, load_programmes
from services.workflow.domain.processes import ProcessCatalogue, StepAction

pytestmark = pytest.mark.unit

DESK = {"level": "receiving"}
REVIEW = {"id": "tham-dinh", "name": "Thẩm định", "role": "specialist", "action": "review", **DESK}
DECIDE = {"id": "phe-duyet", "name": "Phê duyệt", "role": "leader", "action": "decide", **DESK}
RETURN = {"id": "tra", "name": "Trả kết quả", "role": "reception_clerk", "action": "return", **DESK}


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
        (
            [
                {**REVIEW, "share": 50},
                {**DECIDE, "share": 40},
                {**RETURN, "level": "xã", "share": 10},
            ],
            "desk that received",
        ),
        (
            [
                {**REVIEW, "level": "ấp", "share": 50},
                {**DECIDE, "share": 40},
                {**RETURN, "share": 10},
            ],
            "level",
        ),
    ],
)
def test_a_malformed_flow_is_refused_at_load_with_its_reason(steps: list, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        ProcessCatalogue.from_mapping(flow(*steps))


def test_every_programme_intake_sends_has_the_workflows_rules() -> None:
    # The codes travel on case-submitted.payment_programme; services share no code, so the data
    # files are compared here.
    intake_file = Path(__file__).parents[2] / "services/intake/data/programmes.yaml"
    intake_codes = {p["code"] for p in yaml.safe_load(intake_file.read_text())["programmes"]}
    assert intake_codes == set(load_programmes().root)


def test_every_flow_names_a_catalogue_procedure_and_every_benefit_its_programme() -> None:
    # The intake catalogue is the list of procedures; the workflow keys its flows and programmes
    # by the same codes, which travel on case-submitted.
    catalogue = load_catalogue().procedures()
    assert set(load_processes().procedures) <= {procedure.code for procedure in catalogue}
    programmes = load_programmes()
    for procedure in catalogue:
        flow = load_processes().for_procedure(procedure.code)
        assert [step.action for step in flow.steps].count(StepAction.DECIDE) == 1
        if procedure.is_benefit:
            assert procedure.payment_programme is not None, procedure.code
            assert programmes.get(procedure.payment_programme) is not None, procedure.code
