"""Receiving a dossier: checking it against the catalogue, and what a received case records."""

from collections.abc import Callable
from datetime import date, datetime

from services.intake.domain.agencies import Agency
from services.intake.domain.catalogue import Catalogue
from services.intake.domain.catalogue_errors import NotInEffect, NotReceivable, UnknownCode
from services.intake.domain.commands import (
    KIND_NAMES,
    ApplicantInput,
    RepresentativeInput,
    SubmitDossier,
)
from services.intake.domain.errors import IncompleteDossier, InvalidInput
from services.intake.domain.procedures import Procedure, missing_documents
from shared.events.intake import CaseSubmitted, Representative
from shared.events.values import Applicant, DocumentItem

# The paper a representative brings (giấy ủy quyền), listed on the receipt with the dossier's.
AUTHORISATION = "Giấy ủy quyền nộp hồ sơ"
# Law on Identification 26/2023/QH15, art. 46 cl. 1: an old chứng minh nhân dân (9 digits) is
# valid until 31/12/2024 at the latest; cases received before keep it (and are looked up by it).
CMND_LAST_DAY = date(2024, 12, 31)
CMND_EXPIRED = (
    "Chứng minh nhân dân hết giá trị sử dụng từ ngày 01/01/2025 (Luật Căn cước 2023, Điều 46): "
    "nhập số định danh cá nhân 12 chữ số"
)


def procedure_at(
    lookup: Callable[[str, date], Procedure], code: str, day: date, field: str
) -> Procedure:
    """Procedure ``code`` as ``lookup`` finds it on ``day`` (the catalogue's version in force, or
    its receivable one); refused naming ``field``."""
    try:
        return lookup(code, day)
    except UnknownCode:
        raise InvalidInput(field, "Không có thủ tục với mã này") from None
    except NotInEffect:
        raise InvalidInput(field, "Thủ tục không có hiệu lực vào ngày nộp hồ sơ") from None
    except NotReceivable:
        raise InvalidInput(field, "Thủ tục chưa đủ dữ liệu để tiếp nhận hồ sơ") from None


def desk_at(catalogue: Catalogue, code: str, day: date, field: str) -> Agency:
    """Agency ``code`` as on ``day``, if it has a desk that receives; refused naming ``field``."""
    try:
        agency = catalogue.agency(code, day)
    except UnknownCode:
        raise InvalidInput(field, "Không có cơ quan với mã này") from None
    except NotInEffect:
        raise InvalidInput(field, "Cơ quan không hoạt động vào ngày nộp") from None
    if not agency.receives:
        raise InvalidInput(field, "Cơ quan này không có bộ phận tiếp nhận hồ sơ")
    return agency


def check_receiving_level(field: str, procedure: Procedure, agency: Agency) -> None:
    if agency.level not in procedure.receiving_levels:
        levels = ", ".join(level.value for level in procedure.receiving_levels)
        reason = (
            f"Thủ tục này được tiếp nhận tại cơ quan cấp {levels}, không phải cấp {agency.level}"
        )
        raise InvalidInput(field, reason)


def check_dossier(
    cmd: SubmitDossier, procedure: Procedure, agency: Agency, today: date
) -> list[DocumentItem]:
    """The documents received, as printed on the receipt; raises if the desk cannot receive it."""
    check_receiving_level("agency_code", procedure, agency)
    _check_applicant(cmd.applicant, procedure, today)
    _check_id_in_force("applicant.id_number", cmd.applicant.id_number, today)
    if cmd.representative is not None:
        _check_id_in_force("representative.id_number", cmd.representative.id_number, today)
    required = {document.key: document for document in procedure.documents}
    for index, provided in enumerate(cmd.documents):
        if provided.key not in required:
            reason = f"Thủ tục {procedure.code} không có thành phần hồ sơ '{provided.key}'"
            raise InvalidInput(f"documents.{index}.key", reason)
    missing = missing_documents(procedure, cmd.documents)
    if missing:
        raise IncompleteDossier(
            [
                DocumentItem(name=m.document.name, copy_kind=m.document.kind, count=m.missing)
                for m in missing
            ]
        )
    received = [
        DocumentItem(name=required[p.key].name, copy_kind=p.kind, count=p.count)
        for p in cmd.documents
    ]
    if cmd.representative is not None:
        kind = cmd.representative.authorisation
        received.append(DocumentItem(name=AUTHORISATION, copy_kind=kind, count=1))
    return received


def _check_applicant(applicant: ApplicantInput, procedure: Procedure, today: date) -> None:
    if applicant.kind not in procedure.applicant_kinds:
        kinds = ", ".join(KIND_NAMES[kind] for kind in procedure.applicant_kinds)
        reason = f"Thủ tục {procedure.code} chỉ tiếp nhận hồ sơ của {kinds}"
        raise InvalidInput("applicant.kind", reason)
    if applicant.date_of_birth is not None and applicant.date_of_birth > today:
        raise InvalidInput("applicant.date_of_birth", "Ngày sinh không được sau ngày hôm nay")


def _check_id_in_force(field: str, id_number: str | None, today: date) -> None:
    if id_number is not None and len(id_number) == 9 and today > CMND_LAST_DAY:
        raise InvalidInput(field, CMND_EXPIRED)


def applicant_of(given: ApplicantInput) -> Applicant:
    """The applicant as the event states it: an organisation's name in ``full_name``, a person's
    ID number (12 or 9 digits) in ``citizen_id``."""
    return Applicant(
        kind=given.kind,
        full_name=given.name_on_dossier,
        citizen_id=given.id_number,
        tax_code=given.tax_code,
        date_of_birth=given.date_of_birth,
        phone=given.phone,
        email=given.email,
        address=given.address,
    )


def representative_of(given: RepresentativeInput | None) -> Representative | None:
    if given is None:
        return None
    return Representative(full_name=given.full_name, citizen_id=given.id_number, phone=given.phone)


def case_submitted(
    cmd: SubmitDossier,
    procedure: Procedure,
    agency: Agency,
    documents: list[DocumentItem],
    *,
    case_code: str,
    received_at: datetime,
    due_at: datetime,
    received_by: str | None,
) -> CaseSubmitted:
    assert procedure.processing_days is not None and procedure.fee_vnd is not None
    return CaseSubmitted(
        case_code=case_code,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        procedure_short_name=procedure.short_name,
        field=procedure.field.value,
        agency_code=agency.code,
        agency_name=agency.name,
        channel=cmd.channel,
        received_by=received_by,
        applicant=applicant_of(cmd.applicant),
        representative=representative_of(cmd.representative),
        documents=documents,
        received_at=received_at,
        processing_days=procedure.processing_days,
        processing_time_unit=procedure.time_unit,
        due_at=due_at,
        fee_vnd=procedure.fee_vnd,
        is_benefit=procedure.is_benefit,
        payment_programme=procedure.payment_programme,
        result_delivery=cmd.result_delivery,
        phone_channels=cmd.phone_channels,
    )
