"""The workflow's printable forms: 02, 04, 05, 06 of a case and the agency's book (07).

HTML by default, PDF with ``?format=pdf`` or the ``.pdf`` path; drawing a PDF costs ~2 s of CPU, so
it runs in the thread pool, off the event loop. Officers read the cases their agency may read.
"""

from collections.abc import Callable
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Query, Request, Response

from services.workflow.adapters.repository import QueueFilter
from services.workflow.domain.errors import InvalidInput
from services.workflow.domain.instance import Instance
from services.workflow.domain.records import Status
from services.workflow.service_layer import forms
from services.workflow.service_layer.handlers import Workflow
from shared.forms import Form
from shared.forms.response import printed
from shared.http.access import CurrentOfficer
from shared.http.openapi import IsoDate, refusals

Format = Annotated[Literal["html", "pdf"], Query(description="html (mặc định) hoặc pdf")]
PRINTABLE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}, "application/pdf": {}}}
}
CASE_REFUSED = refusals(
    {
        403: "The token's roles do not allow this, or the case has not reached the officer's "
        "agency.",
        404: "No case with this code in processing.",
        409: "The case has no such form (e.g. no supplement was requested, it was not stopped).",
    }
)
BOOK_REFUSED = refusals(
    {422: "`to` before `from`, or too many cases for one book (choose a shorter period)."}
)
# The book scans at most this many cases; beyond, it is refused rather than printed short.
SCAN_LIMIT = 10_000
# path of the page (``?format=``), form number, summary, builder; each also at ``<path>.pdf``.
CASE_FORMS: list[tuple[str, str, str, Callable[[Instance], Form]]] = [
    (
        "supplement-request",
        "02",
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)",
        forms.supplement_request_form,
    ),
    ("apology", "04", "Văn bản xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)", forms.apology_form),
    ("stop-notice", "05", "Thông báo dừng giải quyết hồ sơ (mẫu 05)", forms.stop_notice_form),
    # /control-slip itself answers the slip as JSON (routes.py).
    (
        "control-slip.html",
        "06",
        "Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu 06)",
        forms.control_slip_form,
    ),
]


def workflow(request: Request) -> Workflow:
    return cast(Workflow, request.app.state.container.workflow)


WorkflowDep = Annotated[Workflow, Depends(workflow)]


def case_form_route(
    router: APIRouter, name: str, number: str, summary: str, build: Callable[[Instance], Form]
) -> None:
    """``GET /cases/{code}/<name>`` (``?format=``) and ``/cases/{code}/<name>.pdf``."""

    async def page(
        code: str, flow: WorkflowDep, who: CurrentOfficer, format: Format = "html"
    ) -> Response:
        return await printed(
            build(await flow.read(code, who)), f"{code}-mau-{number}", format, "path.code"
        )

    async def pdf(code: str, flow: WorkflowDep, who: CurrentOfficer) -> Response:
        return await printed(
            build(await flow.read(code, who)), f"{code}-mau-{number}", "pdf", "path.code"
        )

    router.add_api_route(
        f"/{{code}}/{name}",
        page,
        methods=["GET"],
        summary=summary,
        response_class=Response,
        responses={**PRINTABLE, **CASE_REFUSED},
    )
    router.add_api_route(
        f"/{{code}}/{name.removesuffix('.html')}.pdf",
        pdf,
        methods=["GET"],
        summary=f"{summary}, PDF",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}, **CASE_REFUSED},
    )


def add_form_routes(router: APIRouter) -> None:
    """Onto the /cases router itself, before its /{code} route (which would take /tracking-book):
    a nested router would keep paths of its own, which the access rules would not find."""
    router.add_api_route(
        "/tracking-book",
        tracking_book,
        methods=["GET"],
        summary="Sổ theo dõi hồ sơ của cơ quan trong một kỳ (mẫu 07)",
        response_class=Response,
        responses={**PRINTABLE, **BOOK_REFUSED},
        tags=["biểu mẫu"],
    )
    for path, number, summary, build in CASE_FORMS:
        case_form_route(router, path, number, summary, build)


async def tracking_book(
    flow: WorkflowDep,
    who: CurrentOfficer,
    start: Annotated[IsoDate, Query(alias="from", description="Ngày đầu kỳ (YYYY-MM-DD)")],
    end: Annotated[IsoDate, Query(alias="to", description="Ngày cuối kỳ (YYYY-MM-DD)")],
    format: Format = "html",
) -> Response:
    if end < start:
        raise InvalidInput("ngày cuối kỳ trước ngày đầu kỳ", field="query.to")
    # Every case the agency received, wherever it is now; the book filters the period.
    every = QueueFilter(statuses=tuple(Status))
    found = await flow.views.queue(every, SCAN_LIMIT)
    mine = [i for i in found if i.facts.agency_code == who.agency]
    if len(found) >= SCAN_LIMIT:
        raise InvalidInput("quá nhiều hồ sơ để in một sổ; hãy chọn kỳ ngắn hơn", field="query.from")
    name = mine[0].facts.agency_name if mine else who.agency
    form = forms.tracking_book_form(name, mine, start, end)
    return await printed(form, f"so-theo-doi-{who.agency}-{start}-{end}", format, "query.from")
