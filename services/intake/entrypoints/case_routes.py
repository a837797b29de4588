"""The desk: receiving dossiers, receipts, supplements, returning results, ratings."""

from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.concurrency import run_in_threadpool

from services.intake.adapters.receipt_pdf import render_receipt
from services.intake.domain.case import Case
from services.intake.domain.commands import ReceiveSupplement, SubmitDossier
from services.intake.domain.errors import NotFound
from services.intake.entrypoints.dependencies import ClerkDep, ContainerDep
from services.intake.entrypoints.views import CaseView
from services.intake.service_layer.cases import UNKNOWN_CASE

router = APIRouter(prefix="/cases", tags=["tiếp nhận và trả kết quả"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Gửi lại cùng khóa trả về cùng hồ sơ, không tạo hồ sơ thứ hai.",
    ),
]


@router.post("", status_code=201, summary="Tiếp nhận hồ sơ")
async def submit(
    container: ContainerDep,
    cmd: SubmitDossier,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> CaseView:
    submission = await container.reception.submit(cmd, idempotency_key)
    if not submission.created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/cases/{submission.case.code}"
    return CaseView.of(submission.case)


@router.get("/{code}", summary="Hồ sơ (cán bộ)")
async def read_case(container: ContainerDep, code: str, _: ClerkDep) -> CaseView:
    return CaseView.of(await _case(container, code))


@router.get(
    "/{code}/receipt.pdf",
    summary="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def receipt(container: ContainerDep, code: str, _: ClerkDep) -> Response:
    case = await _case(container, code)
    s = case.submitted
    agency = container.catalogue.agency(s.agency_code, s.received_at)
    # Drawing the PDF and its QR code is CPU work: off the event loop, so requests keep flowing.
    pdf = await run_in_threadpool(render_receipt, case, agency)
    headers = {"Content-Disposition": f'inline; filename="{code}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post("/{code}/supplements", summary="Nhận hồ sơ bổ sung")
async def receive_supplement(
    container: ContainerDep, code: str, cmd: ReceiveSupplement, clerk: ClerkDep
) -> CaseView:
    return CaseView.of(await container.desk.receive_supplement(code, cmd, clerk.id))


@router.post("/{code}/result-returned", summary="Trả kết quả cho công dân")
async def return_result(container: ContainerDep, code: str, clerk: ClerkDep) -> CaseView:
    return CaseView.of(await container.desk.return_result(code, clerk.id))


async def _case(container: ContainerDep, code: str) -> Case:
    case = await container.cases.get(code)
    if case is None:
        raise NotFound("path.code", UNKNOWN_CASE)
    return case
