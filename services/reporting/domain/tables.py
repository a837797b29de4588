"""The reports as flat tables with Vietnamese headers: what CSV and XLSX exports contain."""

from dataclasses import dataclass

from services.reporting.domain.benefits import PaymentRow, SatisfactionRow
from services.reporting.domain.contributions import INDICATORS, OVERALL
from services.reporting.domain.report import OneStopRow, percent

Cell = str | int | float


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]]


ONE_STOP_HEADERS = [
    "Mã",
    "Tên",
    "Tổng số hồ sơ tiếp nhận",
    "Từ kỳ trước chuyển sang",
    "Mới tiếp nhận trực tuyến",
    "Mới tiếp nhận trực tiếp hoặc qua bưu chính",
    "Tổng số hồ sơ đã giải quyết",
    "Giải quyết trước hạn",
    "Giải quyết đúng hạn",
    "Giải quyết quá hạn",
    "Tỷ lệ trước hạn (%)",
    "Tỷ lệ đúng hạn (%)",
    "Tỷ lệ quá hạn (%)",
    "Tổng số hồ sơ đang giải quyết",
    "Đang giải quyết trong hạn",
    "Đang giải quyết quá hạn",
    "Tỷ lệ đang giải quyết quá hạn (%)",
    "Dừng xử lý",
    "Rút hồ sơ",
]

INDICATOR_LABELS = {
    "total_time": "Tổng thời gian so với quy định",
    "unit_time": "Thời gian tại từng đơn vị",
    "contacts": "Số lần liên hệ",
    "agencies_contacted": "Số cơ quan phải liên hệ",
    "one_stop": "Giải quyết tại Bộ phận một cửa",
    "publicly_posted": "Thủ tục được công khai",
    "staff_attitude": "Thái độ của công chức",
    "feedback_handling": "Tiếp nhận, xử lý góp ý",
    "online_quality": "Chất lượng dịch vụ trực tuyến",
}
OVERALL_LABELS = {
    "not_satisfied": "Không hài lòng (%)",
    "satisfied": "Hài lòng (%)",
    "very_satisfied": "Rất hài lòng (%)",
}


def one_stop_table(rows: list[OneStopRow], total: OneStopRow) -> Table:
    def line(r: OneStopRow) -> list[Cell]:
        rec, res, prog = r.received, r.resolved, r.in_progress
        return [
            r.key,
            r.label,
            rec.total,
            rec.carried_over,
            rec.online,
            rec.direct_or_postal,
            res.total,
            res.early,
            res.on_time,
            res.late,
            percent(res.early, res.total),
            percent(res.on_time, res.total),
            percent(res.late, res.total),
            prog.total,
            prog.within_deadline,
            prog.overdue,
            percent(prog.overdue, prog.total),
            r.stopped,
            r.withdrawn,
        ]

    return Table(
        "Tình hình giải quyết hồ sơ TTHC", ONE_STOP_HEADERS, [*map(line, rows), line(total)]
    )


def payments_table(rows: list[PaymentRow]) -> Table:
    headers = ["Mã chương trình", "Chương trình", "Số người hưởng", "Tổng số tiền (đồng)"]
    lines: list[list[Cell]] = [[r.programme, r.label, r.beneficiaries, r.amount_vnd] for r in rows]
    return Table("Chi trả theo chương trình", headers, lines)


def satisfaction_table(rows: list[SatisfactionRow]) -> Table:
    headers = [
        "Mã đơn vị",
        "Đơn vị",
        "Số lượt đánh giá",
        "Điểm trung bình (tối đa 18)",
        *(f"{INDICATOR_LABELS[i]} (điểm TB)" for i in INDICATORS),
        *(OVERALL_LABELS[o] for o in OVERALL),
    ]

    def line(r: SatisfactionRow) -> list[Cell]:
        shares = [percent(r.sums.get(f"overall_{o}", 0), r.ratings) for o in OVERALL]
        averages = [r.average(f"ind_{i}") for i in INDICATORS]
        return [r.agency, r.label, r.ratings, r.average("points"), *averages, *shares]

    return Table("Mức độ hài lòng", headers, [line(r) for r in rows])
