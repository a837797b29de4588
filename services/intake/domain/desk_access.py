"""Which officer may act at which desk: agency scope and the portal's channel."""

from services.intake.domain.case import Case
from services.intake.domain.commands import SubmitDossier
from services.intake.domain.errors import Forbidden
from shared.events.values import SubmissionChannel
from shared.officers import Officer, OfficerRole


def check_receiver(officer: Officer, cmd: SubmitDossier) -> None:
    """The portal files online dossiers for any agency; a clerk receives at their own desk."""
    if OfficerRole.PORTAL in officer.roles:
        if cmd.channel is not SubmissionChannel.ONLINE:
            raise Forbidden("channel", "Cổng dịch vụ công chỉ nộp hồ sơ trực tuyến (online)")
        return
    if officer.agency != cmd.agency_code:
        raise Forbidden("agency_code", "Cán bộ chỉ tiếp nhận hồ sơ tại cơ quan của mình")


def check_reader(officer: Officer, case: Case) -> None:
    """Officers see the cases of their agency; administrators see all."""
    if OfficerRole.ADMIN in officer.roles or officer.agency == case.submitted.agency_code:
        return
    raise Forbidden("path.code", "Hồ sơ không thuộc cơ quan của bạn")
