"""Officer actions on a case, as validated input (also the HTTP request bodies)."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict
from pydantic.config import JsonDict

from shared.events.decisions import Outcome, PaymentPeriod
from shared.events.values import (
    WHOLE,
    Beneficiary,
    BoundedDate,
    Code,
    DocumentItem,
    PositiveVnd,
    StaffId,
    Text,
    UtcDatetime,
)

# The years ``UtcDatetime`` and ``BoundedDate`` accept, as the OpenAPI document states them.
YEARS_DOC: JsonDict = {"pattern": r"^(?:19[0-9]{2}|20[0-9]{2}|2100)-"}
# At most this many items in one request's list: far above any real form, bounded all the same.
MAX_ITEMS = 50


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Claim(Command):
    """The officer takes the current step for themself."""


class Assign(Command):
    """A leader or manager gives the current step to an officer."""

    assignee: StaffId = Field(description="Account of the officer who will perform the step.")


class CompleteStep(Command):
    """The assignee finishes a review step and forwards the case to the next step."""

    note: Text | None = Field(default=None, description="Opinion recorded on the control slip.")


class RequestSupplement(Command):
    """The dossier lacks documents (form 02); the clock stops until they arrive."""

    reasons: list[Text] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Why a supplement is needed."
    )
    missing_documents: list[DocumentItem] = Field(
        min_length=1, max_length=MAX_ITEMS, description="What to bring."
    )


class RequestFee(Command):
    """The applicant must pay before processing goes on (status 6); the clock stops."""

    amount_vnd: PositiveVnd = Field(description="Amount to pay, in whole VND.")
    reason: Text = Field(description="What the fee is for.")


class RecordFeePayment(Command):
    """The desk records the fee paid; processing and the clock resume."""

    receipt_number: Text = Field(description="Number of the fee receipt (biên lai).")


class Apologise(Command):
    """Apology and new appointment (form 04): once, before the due date passes."""

    reason: Text = Field(description="Why the case will not be resolved on time.")
    new_due_at: UtcDatetime = Field(
        json_schema_extra=YEARS_DOC,
        description="The new appointment, after the current one (years 1900-2100).",
    )


class StopProcessing(Command):
    """Notice of stopped processing (form 05, status 8)."""

    reason: Text = Field(description="Why processing stops.")


class PaymentInput(Command):
    """Payment terms of an approved benefit case; the programme's rules fill what is left out."""

    programme_code: Code | None = Field(default=None, description="Defaults to the case's.")
    option: Code | None = Field(default=None, description="Option of the programme's rules.")
    quantity: Annotated[int, Strict(), Field(ge=1, le=1000), WHOLE] = Field(
        default=1, description="Units of the option (e.g. martyrs worshipped)."
    )
    amount_vnd: PositiveVnd | None = Field(default=None, description="Amount decided, if stated.")
    beneficiary: Beneficiary | None = Field(default=None, description="Defaults to the applicant.")
    period: PaymentPeriod | None = Field(default=None, description="Defaults to the programme's.")


class Decide(Command):
    """The leader approves or rejects the dossier with the decision's number."""

    outcome: Outcome
    decision_number: Text = Field(description="Number of the decision or reply document.")
    payment: PaymentInput | None = Field(default=None, description="For approved benefit cases.")


class HandOver(Command):
    """The desk receives the result (status 9); the case is resolved."""

    note: Text | None = Field(default=None, description="Remark recorded on the control slip.")


class RecordWithdrawal(Command):
    """The applicant's written request to withdraw the dossier, recorded at the desk (status 7)."""

    requested_on: BoundedDate = Field(
        json_schema_extra=YEARS_DOC,
        description="Date of the applicant's written request (years 1900-2100).",
    )
    reason: Text | None = Field(default=None, description="The applicant's reason, if given.")
