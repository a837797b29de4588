"""The paper register: dossiers handled before the system, recorded for the reports."""

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from services.intake.domain.register import RecordRegister
from services.intake.entrypoints.dependencies import ContainerDep
from shared.http.access import CurrentOfficer
from shared.http.errors import ErrorBody
from shared.http.openapi import refusals

router = APIRouter(prefix="/register-entries", tags=["sổ theo dõi hồ sơ"])


class RecordedEntryView(BaseModel):
    register_entry: str = Field(description="Số thứ tự trong sổ.")
    agency_code: str
    case_code: str = Field(description="Mã hồ sơ cấp cho mục này (lần đầu ghi).")
    created: bool = Field(description="false: mục đã được ghi trước đó, không ghi lại.")


class RecordedPage(BaseModel):
    entries: list[RecordedEntryView]


RECORDED: dict[int | str, dict[str, object]] = {
    200: {"model": RecordedPage, "description": "Mọi mục của trang đã được ghi trước đó."},
    201: {"description": "Đã ghi các mục mới của trang."},
    409: {"model": ErrorBody, "description": "Thay đổi đồng thời; gửi lại trang."},
    **refusals({403: "Chỉ quản trị hệ thống được ghi sổ."}),
    422: {
        "model": ErrorBody,
        "description": (
            "Một mục không thể có: thủ tục hoặc cơ quan không hiệu lực vào ngày nhận, ngày nghỉ, "
            "sai cấp tiếp nhận, hẹn trả muộn hơn luật định, thứ tự ngày sai, khoản chi trả không "
            "hợp lệ, hoặc mục đã ghi với nội dung khác. Không mục nào của trang được lưu."
        ),
    },
}


@router.post(
    "",
    status_code=201,
    summary="Ghi một trang sổ theo dõi hồ sơ giấy (hồ sơ đã giải quyết trước khi có hệ thống)",
    responses=RECORDED,
)
async def record(
    container: ContainerDep, cmd: RecordRegister, response: Response, who: CurrentOfficer
) -> RecordedPage:
    recorded = await container.register.record(cmd, who)
    if not any(entry.created for entry in recorded):
        response.status_code = 200
    return RecordedPage(
        entries=[
            RecordedEntryView(
                register_entry=e.register_entry,
                agency_code=e.agency_code,
                case_code=e.case_code,
                created=e.created,
            )
            for e in recorded
        ]
    )
