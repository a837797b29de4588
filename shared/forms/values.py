"""What several forms share: the issuing agency, the applicant, documents, hand-over parties."""

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from shared.events.intake import Representative
from shared.events.values import Applicant, CitizenId, CopyKind, Count, TaxCode, Text, Timeliness

# A case code as the intake service issues it ({agency}-{yyMMdd}-{NNNN}); not re-validated here so
# that a code issued under older rules still prints.
CaseCode = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S+$")]


class FormValue(BaseModel):
    """Immutable and closed: a form prints exactly what it was given."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class IssuingAgency(FormValue):
    """The left block of the national header, and the place name of the date line."""

    governing_body: Text | None = Field(
        default=None,
        description="Cơ quan chủ quản printed above the agency, e.g. UBND TỈNH NGHỆ AN.",
    )
    # When the one-stop desk issues (receipt, refusal), `name` is the desk and `governing_body` the
    # agency it belongs to, as in the circulars' forms.
    name: Text = Field(description="The agency issuing the document, e.g. Sở Nội vụ tỉnh Nghệ An.")
    locality: Text = Field(description="Place name of the date line (địa danh), e.g. Nghệ An.")


def id_label(citizen_id: str) -> str:
    """What a person's ID number is called on a form: the 9 digits are an old CMND's."""
    return "Số chứng minh nhân dân" if len(citizen_id) == 9 else "Số định danh cá nhân"


class RepresentativeDetails(FormValue):
    """The person the applicant authorised to submit the dossier (người được ủy quyền)."""

    full_name: Text
    citizen_id: CitizenId
    phone: Text | None = None

    @property
    def id_label(self) -> str:
        return id_label(self.citizen_id)


class ApplicantDetails(FormValue):
    """The person or organisation the dossier belongs to, as the form addresses them."""

    full_name: Text = Field(description="A person's full name, or an organisation's name.")
    citizen_id: CitizenId | None = None
    tax_code: TaxCode | None = Field(default=None, description="An organisation's tax code.")
    address: Text | None = None
    phone: Text | None = None
    email: Text | None = None
    representative: RepresentativeDetails | None = Field(
        default=None, description="Who submitted the dossier for the applicant, if anyone did."
    )

    @classmethod
    def of(cls, applicant: Applicant, representative: Representative | None) -> "ApplicantDetails":
        """As ``case-submitted`` gives them: the one mapping every service's forms print from."""
        r = representative
        return cls(
            full_name=applicant.full_name,
            citizen_id=applicant.citizen_id,
            tax_code=applicant.tax_code,
            address=applicant.address,
            phone=applicant.phone,
            email=applicant.email,
            representative=None if r is None else RepresentativeDetails(**r.model_dump()),
        )

    @property
    def id_label(self) -> str | None:
        return None if self.citizen_id is None else id_label(self.citizen_id)

    @property
    def signer(self) -> str:
        """Who signs as the one who submitted: the representative, when there is one."""
        return self.representative.full_name if self.representative else self.full_name


class DocumentLine(FormValue):
    """One component of the dossier (thành phần hồ sơ)."""

    name: Text
    copy_kind: CopyKind
    count: Count


class Party(FormValue):
    """One side of a hand-over: the unit and, when known, the officer."""

    unit: Text
    person: Text | None = None


class HandoverRow(FormValue):
    """One row of the control slip: who gave the dossier to whom, when, and how timely."""

    giver: Party
    receiver: Party
    at: AwareDatetime
    timeliness: Timeliness | None = Field(
        default=None, description="Timeliness of the giver's step; None when not assessed."
    )
    notes: Text | None = None


class BookRow(FormValue):
    """One dossier in the tracking book: reception, hand-over to the deciding agency, return."""

    case_code: CaseCode
    procedure_name: Text
    dossier_count: Count = 1
    applicant_name: Text
    applicant_contact: Text = Field(description="Address and telephone, as one line.")
    lead_agency: Text
    received_at: AwareDatetime
    appointment_at: AwareDatetime
    transferred_at: AwareDatetime | None = None
    result_received_at: AwareDatetime | None = None
    returned_at: AwareDatetime | None = None
    notes: Text | None = None
