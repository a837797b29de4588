"""The citizen's page, ``/tra-cuu``: look a case up with its code and ID number, follow it, rate it.

Server-rendered HTML (Jinja, autoescaped) and one stylesheet, no script: it works on any phone.
The links in SMS and e-mails open it with the code filled in (``/tra-cuu?ma=<code>``); the ID
number only ever travels in POST bodies, never in a URL. The forms draw on the same limits as
``POST /lookup`` and answer a wrong pair exactly like an unknown code.
"""

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader

from services.intake.domain.case import Case
from services.intake.domain.commands import Lookup, RateService
from services.intake.domain.errors import IntakeError
from services.intake.entrypoints.citizen_access import NOT_FOUND, GuardDep, Refusal
from services.intake.entrypoints.citizen_view import (
    CODE_FIELD,
    INDICATORS,
    POINTS,
    CasePage,
    read_indicators,
    read_lookup,
)
from services.intake.entrypoints.dependencies import ContainerDep
from shared.http.errors import field_error

_HERE = Path(__file__).resolve().parent
TEMPLATES = Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=True)
STYLESHEET = (_HERE / "static" / "tra-cuu.css").read_bytes()
FORM_TYPE = "application/x-www-form-urlencoded"
# Two fields to look up, nine indicators to rate: anything much longer is not this page's form.
MAX_FORM_FIELDS = 20
THANKS = "Cảm ơn ông/bà đã đánh giá. Ý kiến đã được ghi nhận."

# No script may run, nothing loads from elsewhere, forms post only here, no framing (clickjacking);
# the answers are personal, so no cache keeps them and no referrer carries the address on.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

router = APIRouter(prefix="/tra-cuu", include_in_schema=False)


@router.get("")
async def page(ma: str = "") -> HTMLResponse:
    return render("lookup.html", code=ma.strip()[:64])


@router.post("")
async def look_up(request: Request, container: ContainerDep, guard: GuardDep) -> HTMLResponse:
    found = await _find(request, container, guard, await _form(request))
    if isinstance(found, HTMLResponse):
        return found
    case, asked = found
    return _case_page(case, asked)


@router.post("/danh-gia")
async def rate(request: Request, container: ContainerDep, guard: GuardDep) -> HTMLResponse:
    form = await _form(request)
    found = await _find(request, container, guard, form)
    if isinstance(found, HTMLResponse):
        return found
    case, asked = found
    chosen = read_indicators(form)
    if isinstance(chosen, dict):
        if not CasePage.of(case).can_rate:
            # Whatever was chosen, this case takes no rating: say why, not which box is empty.
            return _case_page(case, asked, 409, message=_not_ratable(case))
        return _case_page(case, asked, 422, rating_errors=chosen, chosen=form)
    try:
        rated = await container.desk.rate(
            asked.code, asked.id_number, RateService(indicators=chosen)
        )
    except IntakeError as exc:
        return _case_page(case, asked, exc.status_code, message=exc.reason)
    return _case_page(rated, asked, message=THANKS, good=True)


@router.get("/giao-dien.css")
async def stylesheet() -> Response:
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return Response(STYLESHEET, media_type="text/css; charset=utf-8", headers=headers)


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context = {"errors": {}, "rating_errors": {}, "chosen": {}, **context}
    html = TEMPLATES.get_template(f"tra_cuu/{template}").render(**context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


async def _find(
    request: Request, container: ContainerDep, guard: GuardDep, form: dict[str, str]
) -> tuple[Case, Lookup] | HTMLResponse:
    """The case the form names, or the page that says why not (bad field, limit, no match)."""
    asked = read_lookup(form)
    if isinstance(asked, dict):
        return render("lookup.html", 422, code=form.get(CODE_FIELD, "")[:64], errors=asked)
    refusal = await guard.admit(request, asked.code)
    if refusal is not None:
        return _refused(refusal, asked.code)
    case = await container.cases.find_for_applicant(asked.code, asked.id_number)
    if case is None:
        return render("lookup.html", 404, code=asked.code, message=NOT_FOUND)
    return case, asked


def _case_page(case: Case, asked: Lookup, status_code: int = 200, **context: Any) -> HTMLResponse:
    return render(
        "case.html",
        status_code,
        case=CasePage.of(case),
        id_number=asked.id_number,
        indicators=INDICATORS,
        points=POINTS,
        **context,
    )


def _not_ratable(case: Case) -> str:
    if case.rating is not None:
        return "Hồ sơ này đã được đánh giá"
    return "Chỉ đánh giá được khi hồ sơ đã giải quyết xong"


def _refused(refusal: Refusal, code: str) -> HTMLResponse:
    response = render("lookup.html", 429, code=code, message=refusal.reason)
    response.headers["Retry-After"] = str(refusal.retry_after_s)
    return response


async def _form(request: Request) -> dict[str, str]:
    """The posted form, first value of each field. Parsed here: the page needs no multipart."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise field_error(415, "header.content-type", f"Chỉ nhận biểu mẫu {FORM_TYPE}")
    try:
        pairs = parse_qsl(
            (await request.body()).decode("latin-1"),
            keep_blank_values=True,
            max_num_fields=MAX_FORM_FIELDS,
            errors="replace",
        )
    except ValueError:
        raise field_error(400, "body", "Biểu mẫu có quá nhiều trường") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form
