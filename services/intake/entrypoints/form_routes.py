"""The desk's printable forms about a case: receipt (01) and refusal (03), as HTML or PDF."""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from services.intake.domain.agencies import Agency
from services.intake.domain.case import Case
from services.intake.domain.desk_access import check_reader
from services.intake.domain.errors import NotFound
from services.intake.entrypoints.dependencies import ContainerDep
from services.intake.entrypoints.forms import receipt_form, refusal_form
from services.intake.service_layer.cases import UNKNOWN_CASE
from shared.forms import Form, render_html, render_pdf
from shared.http.access import CurrentOfficer

# No prefix of its own: included in the /cases router.
router = APIRouter(tags=["biểu mẫu"])

Format = Annotated[Literal["html", "pdf"], Query(description="html (mặc định) hoặc pdf")]
PRINTABLE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}, "application/pdf": {}}}
}
Builder = Callable[[Case, Agency], Form]


async def printed(form: Form, filename: str, fmt: str) -> Response:
    """The form as a page or a PDF; drawing a PDF (~2 s of CPU) runs off the event loop."""
    if fmt == "html":
        return HTMLResponse(render_html(form))
    pdf = await run_in_threadpool(render_pdf, form)
    headers = {"Content-Disposition": f'inline; filename="{filename}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


async def case_form(
    container: ContainerDep, code: str, who: CurrentOfficer, build: Builder
) -> Form:
    case = await container.cases.get(code)
    if case is None:
        raise NotFound("path.code", UNKNOWN_CASE)
    check_reader(who, case)
    s = case.submitted
    return build(case, container.catalogue.agency(s.agency_code, s.received_at))


@router.get(
    "/{code}/receipt",
    summary="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)",
    response_class=Response,
    responses=PRINTABLE,
)
async def receipt(
    container: ContainerDep, code: str, who: CurrentOfficer, format: Format = "html"
) -> Response:
    form = await case_form(container, code, who, receipt_form)
    return await printed(form, f"{code}-mau-01", format)


@router.get(
    "/{code}/receipt.pdf",
    summary="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01), PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def receipt_pdf(container: ContainerDep, code: str, who: CurrentOfficer) -> Response:
    form = await case_form(container, code, who, receipt_form)
    return await printed(form, code, "pdf")


@router.get(
    "/{code}/refusal",
    summary="Phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03)",
    response_class=Response,
    responses=PRINTABLE,
)
async def refusal(
    container: ContainerDep, code: str, who: CurrentOfficer, format: Format = "html"
) -> Response:
    form = await case_form(container, code, who, refusal_form)
    return await printed(form, f"{code}-mau-03", format)


@router.get(
    "/{code}/refusal.pdf",
    summary="Phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03), PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def refusal_pdf(container: ContainerDep, code: str, who: CurrentOfficer) -> Response:
    form = await case_form(container, code, who, refusal_form)
    return await printed(form, f"{code}-mau-03", "pdf")
