"""What the desk and the citizen ask of the intake service, validated at the edge."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from services.intake.domain.phone import normalise_mobile
from services.intake.domain.procedures import ProvidedDocument
from services.intake.domain.satisfaction import CitizenAnswers
from shared.events.values import (
    BoundedDate,
    DocumentItem,
    ResultDelivery,
    SubmissionChannel,
    Text,
)


def _citizen_id(value: str) -> str:
    if not (len(value) == 12 and value.isascii() and value.isdigit()):
        raise ValueError("Số định danh cá nhân phải gồm đúng 12 chữ số")
    return value


CitizenIdInput = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_citizen_id)
]
MobileInput = Annotated[str, StringConstraints(max_length=32), AfterValidator(normalise_mobile)]
CodeInput = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApplicantInput(Command):
    full_name: Annotated[Text, StringConstraints(strip_whitespace=True)]
    citizen_id: CitizenIdInput
    date_of_birth: BoundedDate
    phone: MobileInput = Field(description="Vietnamese mobile; stored in E.164 form.")
    email: EmailStr | None = None
    address: Annotated[Text, StringConstraints(strip_whitespace=True)]


class SubmitDossier(Command):
    procedure_code: CodeInput
    agency_code: CodeInput
    channel: SubmissionChannel
    applicant: ApplicantInput
    documents: list[ProvidedDocument] = Field(max_length=50)
    result_delivery: ResultDelivery = Field(
        default=ResultDelivery.DESK,
        description="Cách nhận kết quả, chọn khi nộp hồ sơ: desk (tại Bộ phận Một cửa), "
        "postal (qua bưu chính), online (bản điện tử, qua tài khoản dịch vụ công).",
    )


class ReceiveSupplement(Command):
    documents: list[DocumentItem] = Field(min_length=1, max_length=50)


class RateService(Command):
    """The citizen's rating of a finished case: only what the citizen alone can judge."""

    indicators: CitizenAnswers = Field(
        description="Bốn chỉ số công dân đánh giá (contacts, staff_attitude, feedback_handling, "
        "online_quality), 0-2 điểm. Năm chỉ số còn lại (total_time, unit_time, "
        "agencies_contacted, one_stop, publicly_posted) do hệ thống tính từ hồ sơ; nếu vẫn gửi "
        "theo mẫu chín chỉ số cũ, các giá trị đó bị bỏ qua (chấp nhận trong một phiên bản)."
    )


class Lookup(Command):
    code: CodeInput
    citizen_id: CitizenIdInput


class RefuseDossier(Command):
    """The desk refuses an online dossier (form 03): each reason as the applicant will read it."""

    reasons: list[Annotated[Text, StringConstraints(strip_whitespace=True)]] = Field(
        min_length=1, max_length=20
    )
