"""The desk: receiving dossiers, receipts, supplements, returning results, ratings."""

from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.concurrency import run_in_threadpool

from services.intake.adapters.receipt_pdf import render_receipt
from services.intake.domain.case import Case
from services.intake.domain.commands import ReceiveSupplement, SubmitDossier
from services.intake.domain.desk_access import check_reader, check_receiver
from services.intake.domain.errors import NotFound
from services.intake.entrypoints.dependencies import ContainerDep
from services.intake.entrypoints.views import CaseView
from services.intake.service_layer.cases import UNKNOWN_CASE
from shared.http.access import CurrentOfficer
from shared.officers import Officer, OfficerRole

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
    who: CurrentOfficer,
    idempotency_key: IdempotencyKey = None,
) -> CaseView:
    check_receiver(who, cmd)
    received_by = None if OfficerRole.PORTAL in who.roles else who.id
    submission = await container.reception.submit(cmd, idempotency_key, received_by=received_by)
    if not submission.created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/cases/{submission.case.code}"
    return CaseView.of(submission.case)


@router.get("/{code}", summary="Hồ sơ (cán bộ)")
async def read_case(container: ContainerDep, code: str, who: CurrentOfficer) -> CaseView:
    return CaseView.of(await _case(container, code, who))


@router.get(
    "/{code}/receipt.pdf",
    summary="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def receipt(container: ContainerDep, code: str, who: CurrentOfficer) -> Response:
    case = await _case(container, code, who)
    s = case.submitted
    agency = container.catalogue.agency(s.agency_code, s.received_at)
    # Drawing the PDF and its QR code is CPU work: off the event loop, so requests keep flowing.
    pdf = await run_in_threadpool(render_receipt, case, agency)
    headers = {"Content-Disposition": f'inline; filename="{code}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post("/{code}/supplements", summary="Nhận hồ sơ bổ sung")
async def receive_supplement(
    container: ContainerDep, code: str, cmd: ReceiveSupplement, who: CurrentOfficer
) -> CaseView:
    await _case(container, code, who)
    return CaseView.of(await container.desk.receive_supplement(code, cmd, who.id))


@router.post("/{code}/result-returned", summary="Trả kết quả cho công dân")
async def return_result(container: ContainerDep, code: str, who: CurrentOfficer) -> CaseView:
    await _case(container, code, who)
    return CaseView.of(await container.desk.return_result(code, who.id))


async def _case(container: ContainerDep, code: str, who: Officer) -> Case:
    """The case, if the officer's agency holds it."""
    case = await container.cases.get(code)
    if case is None:
        raise NotFound("path.code", UNKNOWN_CASE)
    check_reader(who, case)
    return case
