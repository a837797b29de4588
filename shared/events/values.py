"""Value types shared by several events: identities, contacts, money, documents, enumerations."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    Strict,
    StringConstraints,
)

AGENCY_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9._]*$"
CITIZEN_ID_PATTERN = r"^\d{12}$"
PHONE_PATTERN = r"^\+84\d{9}$"

Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]
AgencyCode = Annotated[str, StringConstraints(pattern=AGENCY_CODE_PATTERN, max_length=64)]
CitizenId = Annotated[str, StringConstraints(pattern=CITIZEN_ID_PATTERN)]
PhoneNumber = Annotated[str, StringConstraints(pattern=PHONE_PATTERN)]
# A user account of the department's staff; staff are people, so this is personal data too.
StaffId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
# A bound far above any sum the department handles (a province's yearly budget is ~10^13 VND)
# and far below what a store's 64-bit integers hold.
MAX_VND = 10**15
# Strict: JSON 1.5, "1500" or true must never pass as money or as a count.
Vnd = Annotated[int, Strict(), Field(ge=0, le=MAX_VND)]
PositiveVnd = Annotated[int, Strict(), Field(gt=0, le=MAX_VND)]
Count = Annotated[int, Strict(), Field(ge=1)]
WorkingDays = Annotated[int, Strict(), Field(ge=0)]
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

    full_name: Text = Field(description="Applicant's full name as written on the dossier.")
    phone: PhoneNumber = Field(description="Mobile number in E.164 form, e.g. +84912345678.")
    email: EmailStr | None = Field(default=None, description="E-mail address, when given.")


class Applicant(ApplicantContact):
    """The person who submits the dossier, as identified at reception."""

    citizen_id: CitizenId = Field(description="12-digit citizen identity number (số định danh).")
    date_of_birth: date = Field(description="Date of birth.")
    address: Text = Field(description="Residential address.")


class Beneficiary(ValueModel):
    """The person a payment decision pays."""

    full_name: Text = Field(description="Beneficiary's full name.")
    citizen_id: CitizenId = Field(description="12-digit citizen identity number (số định danh).")


class DocumentItem(ValueModel):
    """One kind of document in a dossier (thành phần hồ sơ)."""

    name: Text = Field(description="Name of the document, in Vietnamese.")
    copy_kind: CopyKind = Field(description="Original, plain copy or certified copy.")
    count: Count = Field(description="Number of sheets or copies (số lượng bộ).")
