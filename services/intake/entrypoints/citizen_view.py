"""What the citizen page shows of a case, formatted as a Vietnamese reader expects it (dates as
dd/mm/yyyy in Viet Nam's time), and how it reads the page's forms."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from services.intake.domain.case import Case
from services.intake.domain.commands import Lookup
from services.intake.domain.satisfaction import CitizenAnswers
from services.intake.domain.status import FINISHED, CaseStatus
from services.intake.entrypoints.views import LookupView
from shared.calendar import LOCAL_TZ
from shared.events.values import CopyKind, DocumentItem
from shared.http.validation_messages import reason_for

# The form's field names, in Vietnamese like the page's address (/tra-cuu?ma=...).
CODE_FIELD = "ma"
ID_FIELD = "so_dinh_danh"
_FORM_FIELDS = {"code": CODE_FIELD, "id_number": ID_FIELD}

# The indicators of the satisfaction form (Circular 01/2018/TT-VPCP) only the citizen can judge,
# in the order asked; the other five are computed from the case (domain.satisfaction).
INDICATORS: dict[str, str] = {
    "contacts": "Số lần phải liên hệ để hoàn thiện hồ sơ",
    "staff_attitude": "Thái độ của cán bộ, công chức",
    "feedback_handling": "Tiếp thu, giải trình ý kiến phản ánh, kiến nghị",
    "online_quality": "Chất lượng dịch vụ công trực tuyến",
}
POINTS = (("2", "Rất hài lòng"), ("1", "Hài lòng"), ("0", "Không hài lòng"))
_POINT_VALUES = frozenset(value for value, _ in POINTS)
_COPY_KIND = {
    CopyKind.ORIGINAL: "bản chính",
    CopyKind.COPY: "bản sao",
    CopyKind.CERTIFIED_COPY: "bản sao chứng thực",
}


@dataclass(frozen=True)
class Step:
    at: str
    status: str
    note: str


@dataclass(frozen=True)
class CasePage:
    code: str
    procedure_name: str
    agency_name: str
    status: str
    status_code: int
    received_on: str
    due_on: str
    timeline: list[Step]
    missing: list[str]
    can_rate: bool
    rated: bool

    @classmethod
    def of(cls, case: Case) -> "CasePage":
        view = LookupView.of(case)
        waiting = case.status is CaseStatus.SUPPLEMENT_REQUESTED
        return cls(
            code=view.code,
            procedure_name=view.procedure_name,
            agency_name=view.agency_name,
            status=view.status.label,
            status_code=view.status.code,
            received_on=moment(view.received_at),
            due_on=day(view.due_at),
            timeline=[Step(moment(e.at), e.status.label, e.note) for e in view.timeline],
            missing=[document(d) for d in case.requested_documents] if waiting else [],
            can_rate=case.rating is None and case.status in FINISHED,
            rated=case.rating is not None,
        )


def day(at: datetime) -> str:
    return at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")


def moment(at: datetime) -> str:
    return at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")


def document(item: DocumentItem) -> str:
    return f"{item.name} ({_COPY_KIND[item.copy_kind]}, số lượng {item.count})"


def read_lookup(form: Mapping[str, str]) -> Lookup | dict[str, str]:
    """The lookup the form asks for, or the reason for each wrong field (by form field)."""
    try:
        return Lookup(code=form.get(CODE_FIELD, ""), id_number=form.get(ID_FIELD, ""))
    except ValidationError as exc:
        return {_FORM_FIELDS.get(str(e["loc"][0]), CODE_FIELD): reason_for(e) for e in exc.errors()}


def read_indicators(form: Mapping[str, str]) -> CitizenAnswers | dict[str, str]:
    """The four points chosen, or "not chosen" for each indicator left out or not 0, 1 or 2."""
    chosen = {name: form.get(name, "") for name in INDICATORS}
    wrong = {name: "Vui lòng chọn một mức" for name, v in chosen.items() if v not in _POINT_VALUES}
    if wrong:
        return wrong
    return CitizenAnswers(**{name: int(v) for name, v in chosen.items()})
