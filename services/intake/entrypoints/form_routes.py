"""The desk's printable forms about a case: receipt (01) and refusal (03), as HTML or PDF."""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from services.intake.domain.agencies import Agency
from services.intake.domain.case import Case
from services.intake.domain.desk_access import check_reader
from services.intake.domain.errors import NotFound
from services.intake.entrypoints.dependencies import ContainerDep
from services.intake.entrypoints.forms import receipt_form, refusal_form
from services.intake.service_layer.cases import UNKNOWN_CASE
from shared.forms import Form
from shared.forms.response import printed
from shared.http.access import CurrentOfficer
from shared.http.openapi import refusals

Format = Annotated[Literal["html", "pdf"], Query(description="html (mặc định) hoặc pdf")]
PRINTABLE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}, "application/pdf": {}}}
}
Builder = Callable[[Case, Agency], Form]
REFUSED = refusals(
    {
        403: "Vai trò không được phép, hoặc hồ sơ không thuộc cơ quan của cán bộ.",
        404: "Không có hồ sơ với mã này.",
        409: "Hồ sơ chưa có giấy này (chưa được tiếp nhận, hoặc không bị từ chối).",
    }
)


async def case_form(
    container: ContainerDep, code: str, who: CurrentOfficer, build: Builder
) -> Form:
    case = await container.cases.get(code)
    if case is None:
        raise NotFound("path.code", UNKNOWN_CASE)
    check_reader(who, case)
    s = case.submitted
    return build(case, container.catalogue.agency(s.agency_code, s.received_at))


async def receipt(
    container: ContainerDep, code: str, who: CurrentOfficer, format: Format = "html"
) -> Response:
    form = await case_form(container, code, who, receipt_form)
    return await printed(form, f"{code}-mau-01", format, "path.code")


async def receipt_pdf(container: ContainerDep, code: str, who: CurrentOfficer) -> Response:
    form = await case_form(container, code, who, receipt_form)
    return await printed(form, code, "pdf", "path.code")


async def refusal(
    container: ContainerDep, code: str, who: CurrentOfficer, format: Format = "html"
) -> Response:
    form = await case_form(container, code, who, refusal_form)
    return await printed(form, f"{code}-mau-03", format, "path.code")


async def refusal_pdf(container: ContainerDep, code: str, who: CurrentOfficer) -> Response:
    form = await case_form(container, code, who, refusal_form)
    return await printed(form, f"{code}-mau-03", "pdf", "path.code")


PDF_ONLY: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}
ROUTES: list[tuple[str, str, Callable[..., Any], dict[int | str, dict[str, Any]]]] = [
    ("/{code}/receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)", receipt, PRINTABLE),
    (
        "/{code}/receipt.pdf",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01), PDF",
        receipt_pdf,
        PDF_ONLY,
    ),
    ("/{code}/refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03)", refusal, PRINTABLE),
    (
        "/{code}/refusal.pdf",
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03), PDF",
        refusal_pdf,
        PDF_ONLY,
    ),
]


def add_form_routes(router: APIRouter) -> None:
    """Onto the /cases router itself: a nested router would keep paths of its own, which the
    access rules (matched on the route's path) would not find."""
    for path, summary, endpoint, responses in ROUTES:
        router.add_api_route(
            path,
            endpoint,
            methods=["GET"],
            summary=summary,
            response_class=Response,
            responses={**responses, **REFUSED},
            tags=["biểu mẫu"],
        )
