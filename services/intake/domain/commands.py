"""What the desk and the citizen ask of the intake service, validated at the edge."""

from collections.abc import Callable
from functools import cache
from typing import Annotated, Literal, cast

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    JsonValue,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.config import JsonDict

from services.intake.domain.identity import IdentifierInput, PersonalIdInput, TaxCodeInput
from services.intake.domain.phone import normalise_mobile
from services.intake.domain.procedures import ProvidedDocument
from services.intake.domain.satisfaction import CitizenAnswers
from shared.events.intake import PhoneChannel, PhoneChannels
from shared.events.values import (
    ApplicantKind,
    BoundedDate,
    CopyKind,
    DocumentItem,
    ResultDelivery,
    SubmissionChannel,
    Text,
)

# The rule ``normalise_mobile`` enforces, as the OpenAPI document states it: surrounding spaces
# are ignored; a phone number's digits may be separated by up to two spaces, dots, hyphens or
# parentheses, as in "(091) 240-6813" (the service takes more in a row, which the document leaves
# out so that generated numbers keep a plausible length).
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

MobileInput = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(normalise_mobile),
    Field(json_schema_extra=MOBILE_DOC),
]
CodeInput = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The fields only one kind of applicant gives: the others are common to both.
OWN_FIELDS: dict[ApplicantKind, tuple[str, ...]] = {
    ApplicantKind.INDIVIDUAL: ("full_name", "id_number", "date_of_birth"),
    ApplicantKind.ORGANISATION: ("name", "tax_code"),
}
KIND_NAMES = {ApplicantKind.INDIVIDUAL: "cá nhân", ApplicantKind.ORGANISATION: "tổ chức"}


def _one_schema_per_kind(schema: JsonDict) -> None:
    """The OpenAPI document shows one closed object per kind (``oneOf``), as strict as the checks
    of ``ApplicantInput``, which validates a single model so that an error names the field alone
    (``body.applicant.id_number``, not the union member's tag)."""
    properties = cast(dict[str, JsonDict], schema.pop("properties"))
    for moved in ("required", "additionalProperties"):
        schema.pop(moved, None)
    common = {k: v for k, v in properties.items() if not any(k in f for f in OWN_FIELDS.values())}
    variants = []
    for kind, own in OWN_FIELDS.items():
        fields = {**common, **{name: _not_null(properties[name]) for name in own}}
        fields["kind"] = {
            "type": "string",
            "const": kind.value,
            "description": properties["kind"].get("description", ""),
        }
        needed = [*own, "phone", "address"]
        if kind is ApplicantKind.ORGANISATION:
            needed.insert(0, "kind")  # an individual may leave it out, as before it existed
        variants.append(
            {
                "type": "object",
                "title": f"ApplicantInput ({kind.value})",
                "properties": fields,
                "required": needed,
                "additionalProperties": False,
            }
        )
    schema["oneOf"] = cast(list[JsonValue], variants)


def _not_null(schema: JsonDict) -> JsonDict:
    """A field optional in the model that one kind must give: its non-null form."""
    choices = cast(list[JsonDict], schema.get("anyOf", []))
    given = [c for c in choices if c.get("type") != "null"]
    if len(given) != 1:
        return schema
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    return {**given[0], **rest}


class ApplicantInput(Command):
    """Whose dossier it is: a person (by ID number) or, where the procedure allows, an
    organisation (by tax code). ``citizen_id``, the ID number's former name, is still read."""

    # Defaults validated too, so that ``given_for_its_kind`` sees a field left out.
    model_config = ConfigDict(json_schema_extra=_one_schema_per_kind, validate_default=True)

    kind: ApplicantKind = Field(
        default=ApplicantKind.INDIVIDUAL,
        description="individual (cá nhân, mặc định) hoặc organisation (tổ chức, chỉ với thủ tục "
        "cho phép: applicant_kinds của thủ tục).",
    )
    full_name: StrippedText | None = Field(default=None, description="Họ tên (cá nhân).")
    id_number: PersonalIdInput | None = Field(
        default=None, validation_alias=AliasChoices("id_number", "citizen_id")
    )
    date_of_birth: BoundedDate | None = Field(
        default=None,
        json_schema_extra=YEAR_1900_2100_DOC,
        description="Ngày sinh (cá nhân): năm 1900-2100, không sau hôm nay.",
    )
    name: StrippedText | None = Field(default=None, description="Tên tổ chức.")
    tax_code: TaxCodeInput | None = None
    phone: MobileInput = Field(
        description="Số di động liên hệ ghi khi nhận hồ sơ; mọi thông báo về hồ sơ gửi đến số "
        "này (03x, 05x, 07x, 08x, 09x; 0…, 84… hoặc +84…; lưu dạng E.164)."
    )
    email: EmailStr | None = None
    address: StrippedText = Field(description="Nơi cư trú (cá nhân) hoặc địa chỉ trụ sở (tổ chức).")

    @property
    def name_on_dossier(self) -> str:
        """A person's full name, or an organisation's name."""
        name = self.full_name or self.name
        assert name is not None, "given_for_its_kind requires the one of its kind"
        return name

    @field_validator(*{f for own in OWN_FIELDS.values() for f in own}, mode="after")
    @classmethod
    def given_for_its_kind(cls, value: object, info: ValidationInfo) -> object:
        kind = info.data.get("kind")
        if kind is None:  # the kind itself was wrong, and is reported
            return value
        own = info.field_name in OWN_FIELDS[kind]
        if own and value is None:
            raise ValueError(f"Thiếu trường bắt buộc đối với {KIND_NAMES[kind]}")
        if not own and value is not None:
            raise ValueError(f"Trường này không dùng cho {KIND_NAMES[kind]}")
        return value


class RepresentativeInput(Command):
    """The person the applicant authorised to submit the dossier (người được ủy quyền)."""

    full_name: StrippedText
    id_number: PersonalIdInput
    phone: MobileInput | None = Field(
        default=None,
        description="Số di động của người được ủy quyền, nếu có; chỉ để bộ phận một cửa liên hệ, "
        "không nhận thông báo (thông báo gửi đến số liên hệ của người nộp hồ sơ).",
    )
    authorisation: Literal[CopyKind.ORIGINAL, CopyKind.CERTIFIED_COPY] = Field(
        description="Giấy ủy quyền đã nhận: original (bản chính) hoặc certified_copy (bản sao có "
        "chứng thực); được ghi vào thành phần hồ sơ đã nhận."
    )


@cache
def _catalogue_codes() -> dict[str, list[str]]:
    """Every code the service's catalogue files hold, in any version (read as the service does)."""
    from services.intake.domain.catalogue_loading import load_catalogue  # its data files, once

    catalogue = load_catalogue()
    return {
        "procedure": sorted({p.code for p in catalogue.procedures()}),
        "agency": sorted({a.code for a in catalogue.agencies(None, None, None)}),
    }


def known(kind: str) -> Callable[[JsonDict], None]:
    """The OpenAPI document lists the codes of the catalogue (a code not in it is refused)."""

    def extra(schema: JsonDict) -> None:
        schema["enum"] = list(_catalogue_codes()[kind])

    return extra


class SubmitDossier(Command):
    procedure_code: CodeInput = Field(
        json_schema_extra=known("procedure"),
        description="Mã thủ tục trong danh mục (GET /procedures), có hiệu lực vào ngày nộp.",
    )
    agency_code: CodeInput = Field(
        json_schema_extra=known("agency"),
        description="Mã cơ quan (GET /agencies), hoạt động vào ngày nộp và đúng cấp tiếp nhận.",
    )
    channel: SubmissionChannel
    applicant: ApplicantInput
    representative: RepresentativeInput | None = Field(
        default=None,
        description="Người được ủy quyền nộp hồ sơ thay người nộp, nếu có; cần giấy ủy quyền.",
    )
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


# The applicant's number a citizen proves the case is theirs with; ``citizen_id``, its former
# name, is still read.
ApplicantNumber = Annotated[
    IdentifierInput, Field(validation_alias=AliasChoices("id_number", "citizen_id"))
]


class Lookup(Command):
    code: CodeInput
    id_number: ApplicantNumber


class RefuseDossier(Command):
    """The desk refuses an online dossier (form 03): each reason as the applicant will read it."""

    reasons: list[StrippedText] = Field(min_length=1, max_length=20)
