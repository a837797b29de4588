"""The desk: receiving dossiers, receipts, supplements, returning results, ratings."""

from typing import Annotated

from fastapi import APIRouter, Header, Response
from pydantic import Field

from services.intake.domain.case import Case
from services.intake.domain.commands import ReceiveSupplement, RefuseDossier, SubmitDossier
from services.intake.domain.desk_access import check_reader, check_receiver
from services.intake.domain.errors import NotFound
from services.intake.entrypoints import form_routes
from services.intake.entrypoints.dependencies import ContainerDep
from services.intake.entrypoints.views import CaseView
from services.intake.service_layer.cases import UNKNOWN_CASE
from shared.events.values import DocumentItem
from shared.http.access import CurrentOfficer
from shared.http.errors import ErrorBody
from shared.http.openapi import refusals
from shared.officers import Officer

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


class IncompleteDossierBody(ErrorBody):
    """The 422 of a dossier the desk cannot receive; lists what is missing when documents are."""

    missing_documents: list[DocumentItem] | None = Field(
        default=None,
        description="Giấy tờ còn thiếu (nội dung phiếu yêu cầu bổ sung, mẫu 02).",
    )


_LOCATION = {
    "description": "Đường dẫn của hồ sơ, /cases/{code}.",
    "required": True,
    "schema": {"type": "string"},
}
UNKNOWN_OR_ELSEWHERE = refusals(
    {
        403: "Vai trò không được phép, hoặc hồ sơ không thuộc cơ quan của cán bộ.",
        404: "Không có hồ sơ với mã này.",
    }
)
SUBMITTED: dict[int | str, dict[str, object]] = {
    200: {
        "model": CaseView,
        "description": (
            "Gửi lại với cùng `Idempotency-Key` và cùng nội dung: hồ sơ đã tạo lần trước, như hiện "
            "tại; không tạo hồ sơ mới."
        ),
        "headers": {
            "Idempotent-Replayed": {
                "description": "`true`: câu trả lời của lần gửi trước.",
                "required": True,
                "schema": {"type": "string", "enum": ["true"]},
            },
            "Location": _LOCATION,
        },
    },
    201: {"description": "Đã tiếp nhận: hồ sơ mới.", "headers": {"Location": _LOCATION}},
    403: {
        "model": ErrorBody,
        "description": (
            "Cán bộ tiếp nhận tại cơ quan khác với `agency_code`, hoặc cổng dịch vụ công nộp hồ sơ "
            "không trực tuyến."
        ),
    },
    409: {
        "model": ErrorBody,
        "description": "Chưa lưu được hồ sơ vì thay đổi đồng thời; gửi lại (cùng khóa).",
    },
    422: {
        "model": IncompleteDossierBody,
        "description": (
            "Không tiếp nhận được: thủ tục hoặc cơ quan không có (hoặc không hiệu lực) vào ngày "
            "nộp, cơ quan không đúng cấp tiếp nhận, giấy tờ không thuộc thủ tục, thiếu giấy tờ "
            "(`missing_documents`), `Idempotency-Key` đã dùng cho hồ sơ khác, hoặc dữ liệu sai. "
            "Không có gì được lưu."
        ),
    },
}


@router.post("", status_code=201, summary="Tiếp nhận hồ sơ", responses=SUBMITTED)
async def submit(
    container: ContainerDep,
    cmd: SubmitDossier,
    response: Response,
    who: CurrentOfficer,
    idempotency_key: IdempotencyKey = None,
) -> CaseView:
    check_receiver(who, cmd)
    submission = await container.reception.submit(cmd, idempotency_key, who)
    if not submission.created:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/cases/{submission.case.code}"
    return CaseView.of(submission.case)


@router.get("/{code}", summary="Hồ sơ (cán bộ)", responses=UNKNOWN_OR_ELSEWHERE)
async def read_case(container: ContainerDep, code: str, who: CurrentOfficer) -> CaseView:
    return CaseView.of(await _case(container, code, who))


@router.post(
    "/{code}/supplements",
    summary="Nhận hồ sơ bổ sung",
    responses={
        **UNKNOWN_OR_ELSEWHERE,
        **refusals(
            {
                409: "Hồ sơ không ở trạng thái chờ bổ sung.",
                422: "Giấy tờ không nằm trong yêu cầu bổ sung, hoặc dữ liệu sai.",
            }
        ),
    },
)
async def receive_supplement(
    container: ContainerDep, code: str, cmd: ReceiveSupplement, who: CurrentOfficer
) -> CaseView:
    await _case(container, code, who)
    return CaseView.of(await container.desk.receive_supplement(code, cmd, who))


@router.post(
    "/{code}/result-returned",
    summary="Trả kết quả cho công dân",
    responses={
        **UNKNOWN_OR_ELSEWHERE,
        **refusals({409: "Hồ sơ chưa có kết quả, hoặc kết quả đã được trả."}),
    },
)
async def return_result(container: ContainerDep, code: str, who: CurrentOfficer) -> CaseView:
    await _case(container, code, who)
    return CaseView.of(await container.desk.return_result(code, who))


@router.post(
    "/{code}/acceptance",
    summary="Tiếp nhận hồ sơ trực tuyến sau khi kiểm tra",
    responses={
        **UNKNOWN_OR_ELSEWHERE,
        **refusals({409: "Hồ sơ không phải hồ sơ trực tuyến đang chờ tiếp nhận."}),
    },
)
async def accept_online(container: ContainerDep, code: str, who: CurrentOfficer) -> CaseView:
    await _case(container, code, who)
    return CaseView.of(await container.desk.accept(code, who))


@router.post(
    "/{code}/refusal",
    summary="Từ chối tiếp nhận hồ sơ trực tuyến (mẫu 03)",
    responses={
        **UNKNOWN_OR_ELSEWHERE,
        **refusals({409: "Hồ sơ không phải hồ sơ trực tuyến đang chờ tiếp nhận."}),
    },
)
async def refuse_online(
    container: ContainerDep, code: str, cmd: RefuseDossier, who: CurrentOfficer
) -> CaseView:
    await _case(container, code, who)
    return CaseView.of(await container.desk.refuse(code, cmd, who))


async def _case(container: ContainerDep, code: str, who: Officer) -> Case:
    """The case, if the officer's agency holds it."""
    case = await container.cases.get(code)
    if case is None:
        raise NotFound("path.code", UNKNOWN_CASE)
    check_reader(who, case)
    return case


# The printable forms share the prefix and the officer checks (form_routes.py).
form_routes.add_form_routes(router)
