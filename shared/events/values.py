"""Value types shared by several events: identities, contacts, money, documents, enumerations."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Self, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    Strict,
    StringConstraints,
    model_validator,
)

AGENCY_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9._]*$"
# A person's ID number: the 12-digit personal identification number (số định danh cá nhân, on the
# CCCD / căn cước card), or the 9 digits of an old identity card (chứng minh nhân dân).
CITIZEN_ID_PATTERN = r"^(?:\d{12}|\d{9})$"
# An organisation's tax code (mã số thuế): 10 digits, or 10 + "-" + 3 for a dependent unit (branch).
TAX_CODE_PATTERN = r"^\d{10}(?:-\d{3})?$"
PHONE_PATTERN = r"^\+84\d{9}$"

Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]
AgencyCode = Annotated[str, StringConstraints(pattern=AGENCY_CODE_PATTERN, max_length=64)]
CitizenId = Annotated[str, StringConstraints(pattern=CITIZEN_ID_PATTERN)]
TaxCode = Annotated[str, StringConstraints(pattern=TAX_CODE_PATTERN)]
PhoneNumber = Annotated[str, StringConstraints(pattern=PHONE_PATTERN)]
# A user account of the department's staff; staff are people, so this is personal data too.
StaffId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
# A bound far above any sum the department handles (a province's yearly budget is ~10^13 VND)
# and far below what a store's 64-bit integers hold.
MAX_VND = 10**15


def _whole(value: object) -> object:
    """JSON's 2.0 is the integer 2 (as JSON Schema says); 1.5, "2" and true stay refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# Strict: JSON 1.5, "1500" or true must never pass as money or as a count. Put last in an
# Annotated: it runs first, and the bounds before it stay in the JSON schema.
WHOLE = BeforeValidator(_whole)
Vnd = Annotated[int, Strict(), Field(ge=0, le=MAX_VND), WHOLE]
PositiveVnd = Annotated[int, Strict(), Field(gt=0, le=MAX_VND), WHOLE]
Count = Annotated[int, Strict(), Field(ge=1), WHOLE]
WorkingDays = Annotated[int, Strict(), Field(ge=0), WHOLE]
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


DateT = TypeVar("DateT", date, datetime)


def _within_years(value: DateT) -> DateT:
    """Dates of people and dossiers: a year 9999 is a typing error, and breaks time arithmetic."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"năm phải từ {EARLIEST_YEAR} đến {LATEST_YEAR}")
    return value


BoundedDate = Annotated[date, AfterValidator(_within_years)]
# Instants are normalised to UTC so every event puts the same offset on the wire.
UtcDatetime = Annotated[
    AwareDatetime,
    AfterValidator(_within_years),
    AfterValidator(lambda value: value.astimezone(UTC)),
]


class ValueModel(BaseModel):
    """Base of value objects nested in event data: immutable and closed like the data itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SubmissionChannel(StrEnum):
    """How the dossier reached the one-stop desk."""

    DIRECT = "direct"
    ONLINE = "online"
    POSTAL = "postal"


class ResultDelivery(StrEnum):
    """How the applicant chose, at receipt, to get the result: collected at the desk, sent by
    post, or returned electronically (to the online public-service account)."""

    DESK = "desk"
    POSTAL = "postal"
    ONLINE = "online"


class NotificationChannel(StrEnum):
    """The medium of a message to a citizen."""

    SMS = "sms"
    EMAIL = "email"
    # A ZNS template message to the Zalo account of the applicant's phone number.
    ZALO = "zalo"


class CopyKind(StrEnum):
    """Whether a document is the original, a plain copy or a certified copy (bản sao chứng thực)."""

    ORIGINAL = "original"
    COPY = "copy"
    CERTIFIED_COPY = "certified_copy"


class TimeUnit(StrEnum):
    """The unit of a procedure's legal time, as its text states it."""

    WORKING_DAYS = "working_days"  # "ngày làm việc"
    CALENDAR_DAYS = "calendar_days"  # "ngày"

    @property
    def label(self) -> str:
        """The unit as printed for citizens."""
        return "ngày" if self is TimeUnit.CALENDAR_DAYS else "ngày làm việc"


class Timeliness(StrEnum):
    """Finished before (trước hạn), on (đúng hạn) or after (quá hạn) its due date."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


class ApplicantContact(ValueModel):
    """Who to tell about the case: enough for the notify service to act on one event alone."""

    full_name: Text = Field(
        description="Applicant's full name as written on the dossier; an organisation's name."
    )
    phone: PhoneNumber = Field(
        description="Mobile number in E.164 form, e.g. +84912345678: the contact number given at "
        "receipt, which every message about the case goes to."
    )
    email: EmailStr | None = Field(default=None, description="E-mail address, when given.")


class ApplicantKind(StrEnum):
    """Whose dossier it is: a person's (cá nhân) or an organisation's (tổ chức)."""

    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"


ID_NUMBER_DESCRIPTION = (
    "Personal ID number: the 12-digit personal identification number (số định danh cá nhân) "
    "or the 9-digit number of an old identity card (CMND)."
)


class Applicant(ApplicantContact):
    """Whose dossier it is, as identified at reception: a person, or an organisation.

    ``kind`` and ``tax_code`` were added to version 1 as optional fields (absent: a person), and a
    person's ``citizen_id`` may be a 9-digit CMND number. An organisation has no ID number or date
    of birth: both are null for it."""

    # The rule of ``identified_as_its_kind``, for readers that validate with the JSON Schema.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"kind": {"const": "organisation"}}, "required": ["kind"]},
            "then": {
                "properties": {
                    "tax_code": {"type": "string"},
                    "citizen_id": {"type": "null"},
                    "date_of_birth": {"type": "null"},
                },
                "required": ["tax_code"],
            },
            "else": {
                "properties": {
                    "tax_code": {"type": "null"},
                    "citizen_id": {"type": "string"},
                    "date_of_birth": {"type": "string"},
                },
                "required": ["citizen_id", "date_of_birth"],
            },
        }
    )

    kind: ApplicantKind = Field(
        default=ApplicantKind.INDIVIDUAL,
        description="individual or organisation; absent in events before it was added, which "
        "were all individuals.",
    )
    citizen_id: CitizenId | None = Field(
        default=None,
        description=f"{ID_NUMBER_DESCRIPTION} Always given for an individual; null for an "
        "organisation.",
    )
    tax_code: TaxCode | None = Field(
        default=None,
        description="An organisation's tax code (mã số thuế): 10 digits, or 10 digits, a hyphen "
        "and 3 for a branch. Only for an organisation.",
    )
    date_of_birth: date | None = Field(
        default=None,
        description="Date of birth; always given for an individual, null for an organisation.",
    )
    address: Text = Field(
        description="Residential address; an organisation's head-office address (trụ sở)."
    )

    @model_validator(mode="after")
    def identified_as_its_kind(self) -> Self:
        person = (self.citizen_id, self.date_of_birth)
        if self.kind is ApplicantKind.INDIVIDUAL:
            if None in person or self.tax_code is not None:
                raise ValueError("an individual has citizen_id and date_of_birth, no tax_code")
        elif self.tax_code is None or person != (None, None):
            raise ValueError("an organisation has a tax_code, no citizen_id or date_of_birth")
        return self

    @property
    def identifier(self) -> str:
        """The number the applicant is known by: ID number, or an organisation's tax code."""
        number = self.citizen_id or self.tax_code
        assert number is not None, "checked by identified_as_its_kind"
        return number


class Beneficiary(ValueModel):
    """The person a payment decision pays."""

    full_name: Text = Field(description="Beneficiary's full name.")
    citizen_id: CitizenId = Field(description=ID_NUMBER_DESCRIPTION)


class DocumentItem(ValueModel):
    """One kind of document in a dossier (thành phần hồ sơ)."""

    name: Text = Field(description="Name of the document, in Vietnamese.")
    copy_kind: CopyKind = Field(description="Original, plain copy or certified copy.")
    count: Count = Field(description="Number of sheets or copies (số lượng bộ).")
