"""How dates, times and enumerations read on a printed form, in Vietnamese, in local time."""

from datetime import date, datetime

from shared.calendar.working_calendar import LOCAL_TZ
from shared.events.values import CopyKind, Timeliness, TimeUnit

COPY_KINDS = {
    CopyKind.ORIGINAL: "bản chính",
    CopyKind.COPY: "bản sao",
    CopyKind.CERTIFIED_COPY: "bản sao chứng thực",
}
TIMELINESS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}


def moment(instant: datetime) -> str:
    """'14 giờ 05 phút, ngày 12/02/2026' in Vietnam's time, as the forms' "…giờ…phút, ngày…"."""
    local = instant.astimezone(LOCAL_TZ)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def day(value: date | datetime) -> str:
    """'12/02/2026'; an instant is read in Vietnam's time first."""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ).date()
    return f"{value:%d/%m/%Y}"


def date_line(locality: str, value: date) -> str:
    """'Nghệ An, ngày 05 tháng 02 năm 2026' of an official document's header.

    Decree 30/2020/NĐ-CP on official documents: a day below 10 and a month below 3 take a leading
    zero (ngày 05 tháng 02, but tháng 9), so that nobody can add a digit in front afterwards.
    """
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"{locality}, ngày {value.day:02d} tháng {month} năm {value.year}"


def copy_kind(kind: CopyKind) -> str:
    return COPY_KINDS[kind]


def timeliness(value: Timeliness | None) -> str:
    return "" if value is None else TIMELINESS[value]


def time_unit(unit: TimeUnit) -> str:
    return unit.label
