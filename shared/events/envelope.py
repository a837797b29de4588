"""The CloudEvents 1.0 envelope (structured JSON mode) around every event we publish."""

from datetime import UTC, datetime
from typing import Annotated, Generic, Literal, TypeVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

# {agency code}-{yyMMdd}-{NNNN}; agency codes are upper-case letters, digits and dots/underscores.
CASE_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9._]*-\d{6}-\d{4,}$"
CaseCode = Annotated[str, StringConstraints(pattern=CASE_CODE_PATTERN)]
# The Kafka content-type of a CloudEvent in structured mode: what we publish, and document.
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"


class EventData(BaseModel):
    """Base of every event's data: immutable, closed (unknown fields are a contract error)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case_code: CaseCode = Field(description="Case code, {agency code}-{yyMMdd}-{NNNN}.")


DataT = TypeVar("DataT", bound=EventData)


class Envelope(BaseModel, Generic[DataT]):
    """A CloudEvents 1.0 event; ``subject`` is the case code and the Kafka key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"] = Field(default="1.0", description="CloudEvents version.")
    id: UUID = Field(
        default_factory=uuid4, description="Unique id of the event; consumers deduplicate on it."
    )
    source: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="The producing service, /onestop/{service}."
    )
    type: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="Versioned event type, vn.onestop.{topic}.v{version}."
    )
    subject: CaseCode = Field(description="Case code the event is about; also the Kafka key.")
    time: AwareDatetime = Field(
        default_factory=lambda: datetime.now(UTC),
        description="When the event happened, RFC 3339 with offset.",
    )
    datacontenttype: Literal["application/json"] = Field(
        default="application/json", description="Media type of data."
    )
    dataschema: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="URN identifying the JSON Schema of this event type."
    )
    data: DataT = Field(description="The event data, typed by the event type.")
