"""The Decision 766/QĐ-TTg indicators from the reports' figures and the portal records."""

from datetime import date

import pytest

from services.reporting.domain.contributions import Counters
from services.reporting.domain.period import Period
from services.reporting.domain.quality import NOT_COMPUTED, SOURCE
from services.reporting.service_layer.quality import quality_report

pytestmark = pytest.mark.unit
PERIOD = Period(date(2025, 7, 1), date(2025, 7, 31))
FLOW: dict[str, Counters] = {
    "SNV.NA": {
        "received": 10,
        "received_online": 4,
        "received_direct": 5,
        "received_postal": 1,
        "resolved_early": 3,
        "resolved_on_time": 4,
        "resolved_late": 1,
        "closed": 8,
    },
    "XA.BH": {"received": 2, "received_direct": 2},
}
SAT: dict[str, Counters] = {
    "SNV.NA": {"ratings": 5, "overall_very_satisfied": 2, "overall_satisfied": 2}
}


class FakeReader:
    async def sums(
        self, kind: str, filters: dict[str, str], first: str | None, last: str, group_by: str
    ) -> dict[str, Counters]:
        assert kind == "sat"
        return {k: v for k, v in SAT.items() if filters.get("agency", k) == k}

    async def sums_around(
        self, kind: str, filters: dict[str, str], first: str, last: str, group_by: str
    ) -> tuple[dict[str, Counters], dict[str, Counters]]:
        assert (kind, group_by) == ("flow", "agency")
        return {}, {k: v for k, v in FLOW.items() if filters.get("agency", k) == k}

    async def names(self, kind: str) -> dict[str, str]:
        return {"SNV.NA": "Sở Nội vụ", "XA.BH": "Xã Bích Hào"}


class FakePublicity:
    async def publicity(
        self, first_day: str, last_day: str, agency: str | None
    ) -> dict[str, tuple[int, int]]:
        assert (first_day, last_day) == ("2025-07-01", "2025-07-31")
        return {"SNV.NA": (10, 9), "XA.BH": (2, 2)}


def values(row: dict[str, object]) -> dict[object, object]:
    indicators = row["indicators"]
    assert isinstance(indicators, list)
    return {i["name"]: i["value_pct"] for i in indicators}


async def test_each_agency_gets_each_indicator_with_its_formula_and_source() -> None:
    rows = [r.as_dict() for r in await quality_report(FakeReader(), FakePublicity(), PERIOD, None)]
    assert [r["agency"] for r in rows] == ["SNV.NA", "XA.BH"]
    assert values(rows[0]) == {
        "Tỷ lệ hồ sơ giải quyết đúng hạn": 87.5,
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến": 40.0,
        "Tỷ lệ đánh giá hài lòng": 80.0,
        "Tỷ lệ hồ sơ có tiến độ xử lý đã đồng bộ lên Cổng Dịch vụ công quốc gia": 90.0,
    }
    # Nothing resolved nor rated: no value rather than a made-up 0 %.
    assert values(rows[1])["Tỷ lệ hồ sơ giải quyết đúng hạn"] is None
    assert values(rows[1])["Tỷ lệ đánh giá hài lòng"] is None
    indicators = rows[0]["indicators"]
    assert isinstance(indicators, list)
    assert all(i["formula"] and i["source"] and i["group"] for i in indicators)


def test_what_cannot_be_computed_says_why_and_the_decision_is_named() -> None:
    assert "766/QĐ-TTg" in SOURCE
    assert NOT_COMPUTED and all(item["why"] for item in NOT_COMPUTED)
