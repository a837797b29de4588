"""Service-quality indicators of Decision 766/QĐ-TTg (2022) that the system's data can feed.

Decision 766/QĐ-TTg approves the set of indicators for directing, running and assessing the
quality of service to people and businesses in administrative procedures and public services.
Each indicator here states its formula and the data it is computed from; the Decision's scoring
(points and thresholds) is not applied: the figures are the inputs it scores.
"""

from dataclasses import dataclass

from services.reporting.domain.report import percent

SOURCE = "Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ"


@dataclass(frozen=True)
class Indicator:
    group: str
    name: str
    formula: str
    source: str


@dataclass(frozen=True)
class Measure:
    indicator: Indicator
    numerator: int
    denominator: int

    def as_dict(self) -> dict[str, object]:
        ind = self.indicator
        return {
            "group": ind.group,
            "name": ind.name,
            "formula": ind.formula,
            "value_pct": percent(self.numerator, self.denominator) if self.denominator else None,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "source": ind.source,
        }


ON_TIME = Indicator(
    "Tiến độ giải quyết",
    "Tỷ lệ hồ sơ giải quyết đúng hạn",
    "(số hồ sơ giải quyết trước hạn + đúng hạn) / tổng số hồ sơ đã giải quyết trong kỳ * 100",
    "sự kiện case-resolved (timeliness), số liệu Biểu 06",
)
ONLINE = Indicator(
    "Dịch vụ trực tuyến",
    "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
    "số hồ sơ tiếp nhận trực tuyến / tổng số hồ sơ tiếp nhận mới trong kỳ * 100",
    "sự kiện case-submitted (channel), số liệu Biểu 06",
)
SATISFIED = Indicator(
    "Mức độ hài lòng",
    "Tỷ lệ đánh giá hài lòng",
    "số lượt đánh giá hài lòng hoặc rất hài lòng / tổng số lượt đánh giá trong kỳ * 100",
    "sự kiện case-rated (overall; ngưỡng mức hài lòng của một hồ sơ là của hệ thống, "
    "9 và 14 trên 18 điểm)",
)
PUBLICITY = Indicator(
    "Công khai, minh bạch",
    "Tỷ lệ hồ sơ có tiến độ xử lý đã đồng bộ lên Cổng Dịch vụ công quốc gia",
    "số hồ sơ tiếp nhận trong kỳ mà Cổng đã nhận đủ tiến độ / tổng số hồ sơ tiếp nhận trong kỳ "
    "* 100",
    "bản ghi đồng bộ Cổng Dịch vụ công quốc gia (portal_records) của dịch vụ báo cáo",
)

NOT_COMPUTED: list[dict[str, str]] = [
    {
        "name": "Tỷ lệ hồ sơ thanh toán trực tuyến",
        "why": "Sự kiện không cho biết phí, lệ phí được nộp trực tuyến hay trực tiếp.",
    },
    {
        "name": "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "why": "Hệ thống chưa ghi nhận việc số hóa thành phần hồ sơ và kết quả.",
    },
    {
        "name": "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "why": "Danh mục thủ tục trong sự kiện không ghi mức độ dịch vụ công trực tuyến.",
    },
    {
        "name": "Công khai thủ tục hành chính trên Cổng Dịch vụ công quốc gia",
        "why": "Việc công bố, công khai thủ tục không được ghi nhận trong dữ liệu của hệ thống.",
    },
]


@dataclass(frozen=True)
class AgencyFigures:
    """What the reports know of one agency in the period."""

    resolved: int = 0
    resolved_in_time: int = 0
    received_new: int = 0
    received_online: int = 0
    ratings: int = 0
    ratings_satisfied: int = 0
    received_in_period: int = 0
    published: int = 0


def measures(f: AgencyFigures) -> list[Measure]:
    return [
        Measure(ON_TIME, f.resolved_in_time, f.resolved),
        Measure(ONLINE, f.received_online, f.received_new),
        Measure(SATISFIED, f.ratings_satisfied, f.ratings),
        Measure(PUBLICITY, f.published, f.received_in_period),
    ]
