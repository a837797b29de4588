"""Procedures of the catalogue, their required documents, and the completeness check."""

from collections.abc import Iterable
from typing import Annotated, Any, Literal, Self

from pydantic import Field, Strict, StringConstraints, model_validator

from services.intake.domain.catalogue_values import (
    CatalogueModel,
    Dated,
    Level,
    ProcedureField,
    Text,
)
from shared.events.values import ApplicantKind, CopyKind, TimeUnit

NATIONAL_CODE_PATTERN = r"^\d\.\d{6}$"
LOCAL_CODE_PATTERN = r"^LOCAL\.[A-Z]+\.\d{3}$"

NationalCode = Annotated[str, Strict(), StringConstraints(pattern=NATIONAL_CODE_PATTERN)]
ProcedureCode = Annotated[
    str, Strict(), StringConstraints(pattern=f"{NATIONAL_CODE_PATTERN}|{LOCAL_CODE_PATTERN}")
]
DocumentKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Count = Annotated[int, Strict(), Field(ge=1)]
# Fields a version may carry from a derivation (explained in a comment in the data file) instead
# of from a source that states them.
DerivedField = Literal["processing_days", "documents", "fee_vnd", "legal_basis", "level"]
# SMS templates put the short name in a 70-character UCS-2 segment next to the case code and date.
SHORT_NAME_MAX = 40
ShortName = Annotated[
    str, StringConstraints(min_length=1, max_length=SHORT_NAME_MAX, strip_whitespace=True)
]

# Which kind of paper stands in for which: an original serves where a copy is asked for.
ACCEPTS: dict[CopyKind, frozenset[CopyKind]] = {
    CopyKind.ORIGINAL: frozenset({CopyKind.ORIGINAL}),
    CopyKind.CERTIFIED_COPY: frozenset({CopyKind.ORIGINAL, CopyKind.CERTIFIED_COPY}),
    CopyKind.COPY: frozenset(CopyKind),
}


class RequiredDocument(CatalogueModel):
    key: DocumentKey
    name: Text
    kind: CopyKind
    count: Count
    required: bool = Field(default=True, description="False for papers needed only in some cases.")


class ShownDocument(CatalogueModel):
    """A paper the applicant shows for comparison and takes back (xuất trình để đối chiếu), such
    as the ID card: checked at the desk, neither kept nor listed among the documents received."""

    key: DocumentKey
    name: Text


class Procedure(Dated):
    """One version of a procedure, in effect over its period."""

    code: ProcedureCode
    national_code: NationalCode | None = None
    reference: Text = Field(description="Entry of the reference file the data comes from.")
    name: Text
    short_name: ShortName = Field(
        description="Name a citizen recognises in an SMS, at most 40 characters, with diacritics."
    )
    field: ProcedureField
    level: Level = Field(description="Level that decides (cấp thực hiện).")
    receiving_levels: tuple[Level, ...] = Field(min_length=1)
    processing_days: Count | None = Field(description="Legal processing time, in `time_unit`.")
    time_unit: TimeUnit = Field(
        default=TimeUnit.WORKING_DAYS,
        description='The unit the legal text states: "ngày làm việc" or calendar days ("ngày").',
    )
    documents: tuple[RequiredDocument, ...] = Field(description="Papers submitted and kept.")
    shown_documents: tuple[ShownDocument, ...] = Field(
        default=(), description="Papers only shown for comparison, then handed back."
    )
    documents_complete: bool = True
    fee_vnd: Annotated[int, Strict(), Field(ge=0)] | None
    is_benefit: bool
    payment_programme: Text | None = None
    applicant_kinds: tuple[ApplicantKind, ...] = Field(
        default=(ApplicantKind.INDIVIDUAL,),
        min_length=1,
        description="Who may apply: individuals only unless the law lets organisations apply.",
    )
    legal_basis: tuple[Text, ...] = Field(min_length=1)
    verified: bool
    derived: tuple[DerivedField, ...] = Field(
        default=(), description="Fields derived (see the data file) rather than read in a source."
    )

    @model_validator(mode="before")
    @classmethod
    def national_code_is_the_code(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("national_code") and "code" not in data:
            return {**data, "code": data["national_code"]}
        return data

    @model_validator(mode="after")
    def consistent(self) -> Self:
        if self.national_code and self.code != self.national_code:
            raise ValueError("give either national_code or a local code, not both")
        if self.national_code is None and not self.code.startswith("LOCAL."):
            raise ValueError("a national code goes in national_code")
        keys = [document.key for document in self.documents]
        keys += [paper.key for paper in self.shown_documents]
        if len(keys) != len(set(keys)):
            raise ValueError("two documents share a key")
        if self.derived and self.verified:
            raise ValueError("a version with derived fields cannot be verified")
        if self.payment_programme and not self.is_benefit:
            raise ValueError("only a benefit procedure feeds a payment programme")
        if self.is_benefit and ApplicantKind.ORGANISATION in self.applicant_kinds:
            # payment-approved names its beneficiary by a person's ID number: an organisation
            # could not be paid until that event can name one.
            raise ValueError("a benefit procedure pays a person: organisations cannot apply")
        district = Level.HUYEN in (self.level, *self.receiving_levels)
        if district and not self.ends_before_two_tier():
            raise ValueError("a district-level version must end before 2025-07-01")
        return self

    @property
    def not_receivable_because(self) -> str | None:
        """Why a desk cannot receive this version, or None when it can."""
        if self.processing_days is None:
            return "no legal processing time is known"
        if not self.documents or not self.documents_complete:
            return "the list of required documents is not complete"
        if self.fee_vnd is None:
            return "the fee is not known"
        return None


class ProvidedDocument(CatalogueModel):
    """What the applicant handed in for one required document."""

    key: DocumentKey
    kind: CopyKind
    count: Count


class MissingDocument(CatalogueModel):
    """A required document not (fully) provided: a line of the supplement request (form 02)."""

    document: RequiredDocument
    missing: Count


def missing_documents(
    procedure: Procedure, provided: Iterable[ProvidedDocument]
) -> list[MissingDocument]:
    """The completeness check: what is still missing, with counts. Empty means complete."""
    handed_in = list(provided)
    known = {document.key for document in procedure.documents}
    unknown = sorted({item.key for item in handed_in} - known)
    if unknown:
        raise ValueError(f"procedure {procedure.code} asks for no document {', '.join(unknown)}")
    missing = []
    for document in procedure.documents:
        if not document.required:
            continue
        usable = ACCEPTS[document.kind]
        given = sum(
            item.count for item in handed_in if item.key == document.key and item.kind in usable
        )
        if given < document.count:
            missing.append(MissingDocument(document=document, missing=document.count - given))
    return missing
