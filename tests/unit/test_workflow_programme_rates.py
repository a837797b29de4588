"""Benefit rates are dated data: a decision takes the rate in force on its date."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from services.workflow.adapters.definitions import load_programmes

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("code", "on", "vnd"),
    [
        # Mức chuẩn: 1,624,000 (NĐ 75/2021), 2,055,000 from 1/7/2023, 2,789,000 from 1/7/2024.
        ("MUC_CHUAN_NCC", date(2022, 3, 1), 1_624_000),
        ("MUC_CHUAN_NCC", date(2023, 6, 30), 1_624_000),
        ("MUC_CHUAN_NCC", date(2023, 7, 1), 2_055_000),
        ("MUC_CHUAN_NCC", date(2024, 6, 30), 2_055_000),
        ("MUC_CHUAN_NCC", date(2024, 7, 1), 2_789_000),
        # Worship allowance: 500,000 (NĐ 31/2013) before 1,400,000 (NĐ 75/2021).
        ("TC_THO_CUNG_LS", date(2018, 6, 1), 500_000),
        ("TC_THO_CUNG_LS", date(2021, 9, 14), 500_000),
        ("TC_THO_CUNG_LS", date(2021, 9, 15), 1_400_000),
        ("TC_THO_CUNG_LS", date(2026, 12, 2), 1_400_000),
    ],
)
def test_the_rate_in_force_on_the_decisions_date(code: str, on: date, vnd: int) -> None:
    programme = load_programmes().get(code)
    assert programme is not None
    assert programme.unit_amount(None, on) == vnd


def test_intake_and_workflow_list_the_same_programmes() -> None:
    intake_file = Path(__file__).parents[2] / "services/intake/data/programmes.yaml"
    intake = yaml.safe_load(intake_file.read_text(encoding="utf-8"))["programmes"]
    assert {programme["code"] for programme in intake} == set(load_programmes().root)
