"""What the desk and the citizen ask of the intake service, validated at the edge."""

from collections.abc import Callable
from functools import cache
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints
from pydantic.config import JsonDict

from services.intake.domain.phone import normalise_mobile
from services.intake.domain.procedures import ProvidedDocument
from services.intake.domain.satisfaction import CitizenAnswers
from shared.events.intake import PhoneChannel, PhoneChannels
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


# The rules ``_citizen_id`` and ``normalise_mobile`` enforce, as the OpenAPI document states them:
# surrounding spaces are ignored; a phone number's digits may be separated by up to two spaces,
# dots, hyphens or parentheses, as in "(091) 240-6813" (the service takes more in a row, which the
# document leaves out so that generated numbers keep a plausible length).
CITIZEN_ID_DOC: JsonDict = {"pattern": r"^[0-9]{12}$"}
_SEP = r"[\s.()-]{0,2}"
MOBILE_DOC: JsonDict = {
    "pattern": rf"^{_SEP}(?:\+{_SEP}8{_SEP}4|8{_SEP}4|0){_SEP}[35789](?:{_SEP}[0-9]){{8}}{_SEP}$"
}
YEAR_1900_2100_DOC: JsonDict = {"pattern": r"^(?:19[0-9]{2}|20[0-9]{2}|2100)-"}
# Texts stripped of surrounding spaces before their length is checked: not blank.
NOT_BLANK_DOC: JsonDict = {"pattern": r"\S"}
StrippedText = Annotated[
    Text, StringConstraints(strip_whitespace=True), Field(json_schema_extra=NOT_BLANK_DOC)
]

CitizenIdInput = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_citizen_id),
    Field(json_schema_extra=CITIZEN_ID_DOC, description="Số định danh cá nhân: 12 chữ số."),
]
MobileInput = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(normalise_mobile),
    Field(json_schema_extra=MOBILE_DOC),
]
CodeInput = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApplicantInput(Command):
    full_name: StrippedText
    citizen_id: CitizenIdInput
    date_of_birth: BoundedDate = Field(
        json_schema_extra=YEAR_1900_2100_DOC, description="Năm 1900-2100, không sau hôm nay."
    )
    phone: MobileInput = Field(
        description=(
            "Vietnamese mobile (03x, 05x, 07x, 08x, 09x; 0…, 84… or +84…); stored in E.164 form."
        )
    )
    email: EmailStr | None = None
    address: StrippedText


@cache
def _catalogue_codes() -> dict[str, list[str]]:
    """Every code the service's catalogue files hold, in any version (read as the service does)."""
    from services.intake.domain.catalogue_loading import load_catalogue  # its data files, once

    catalogue = load_catalogue()
    return {
        "procedure": sorted({p.code for p in catalogue.procedures()}),
        "agency": sorted({a.code for a in catalogue.agencies(None, None, None)}),
    }


def _known(kind: str) -> Callable[[JsonDict], None]:
    """The OpenAPI document lists the codes of the catalogue (a code not in it is refused)."""

    def extra(schema: JsonDict) -> None:
        schema["enum"] = list(_catalogue_codes()[kind])

    return extra


class SubmitDossier(Command):
    procedure_code: CodeInput = Field(
        json_schema_extra=_known("procedure"),
        description="Mã thủ tục trong danh mục (GET /procedures), có hiệu lực vào ngày nộp.",
    )
    agency_code: CodeInput = Field(
        json_schema_extra=_known("agency"),
        description="Mã cơ quan (GET /agencies), hoạt động vào ngày nộp và đúng cấp tiếp nhận.",
    )
    channel: SubmissionChannel
    applicant: ApplicantInput
    documents: list[ProvidedDocument] = Field(max_length=50)
    result_delivery: ResultDelivery = Field(
        default=ResultDelivery.DESK,
        description="Cách nhận kết quả, chọn khi nộp hồ sơ: desk (tại Bộ phận Một cửa), "
        "postal (qua bưu chính), online (bản điện tử, qua tài khoản dịch vụ công).",
    )
    phone_channels: PhoneChannels = Field(
        default_factory=lambda: [PhoneChannel.SMS],
        description="Cách nhận thông báo qua số điện thoại, chọn khi nộp hồ sơ: sms, zalo "
        "(tài khoản Zalo của số điện thoại) hoặc cả hai; chỉ chọn zalo mà Zalo không gửi được "
        "thì gửi SMS.",
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

    reasons: list[StrippedText] = Field(min_length=1, max_length=20)
