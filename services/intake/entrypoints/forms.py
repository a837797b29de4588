"""The desk's forms about a case, filled from the stored case: receipt (01) and refusal (03).

Printed by ``shared.forms``, which numbers each form by the rules in force on its date.
"""

from services.intake.domain.agencies import Agency
from services.intake.domain.case import Case
from services.intake.domain.errors import Conflict
from services.intake.domain.status import CaseStatus
from shared.calendar import local_date
from shared.forms import ReceiptForm, RefusalForm
from shared.forms.values import (
    ApplicantDetails,
    DocumentLine,
    IssuingAgency,
)

# Every agency of the catalogue is in Nghệ An: the place name of the forms' date line.
LOCALITY = "Nghệ An"
DESK = "Bộ phận Một cửa"


def desk_of(agency: Agency) -> IssuingAgency:
    """The desk issues these forms; the agency it belongs to heads them, as the circulars show."""
    return IssuingAgency(governing_body=agency.name, name=DESK, locality=LOCALITY)


def receipt_form(case: Case, agency: Agency) -> ReceiptForm:
    """Form 01; only once the desk has received the dossier (not for an online one awaiting it)."""
    if case.status in (CaseStatus.NEWLY_REGISTERED, CaseStatus.NOT_RECEIVED):
        raise Conflict("path.code", "Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận")
    s = case.submitted
    return ReceiptForm(
        agency=desk_of(agency),
        applicant=ApplicantDetails.of(s.applicant, s.representative),
        procedure_name=s.procedure_name,
        case_code=case.code,
        procedure_code=s.procedure_code,
        documents=tuple(
            DocumentLine(name=d.name, copy_kind=d.copy_kind, count=d.count) for d in s.documents
        ),
        processing_time=s.processing_days,
        processing_time_unit=s.processing_time_unit,
        received_at=s.received_at,
        appointment_at=s.due_at,
        place_of_return=agency.place_of_return,
        receiver_name=s.received_by,
    )


def refusal_form(case: Case, agency: Agency) -> RefusalForm:
    """Form 03, from the refusal the desk recorded."""
    refusal = case.refusal
    if refusal is None:
        raise Conflict("path.code", "Hồ sơ không bị từ chối tiếp nhận")
    s = case.submitted
    return RefusalForm(
        agency=desk_of(agency),
        case_code=case.code,
        applicant=ApplicantDetails.of(s.applicant, s.representative),
        procedure_name=s.procedure_name,
        reasons=tuple(refusal.reasons),
        officer_name=refusal.refused_by,
        issued_on=local_date(refusal.refused_at),
    )
