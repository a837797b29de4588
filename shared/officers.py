"""Who acts in the department: an officer's account, as the identity provider's token says.

Plain values, so services' domain code can check roles without depending on the HTTP layer.
"""

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.events.values import AgencyCode, StaffId
from shared.events.workflow import Role


class OfficerRole(StrEnum):
    """The event contract's step roles, plus managers (reports, audit), administrators, the portal.

    Each step role has the very value of ``shared.events.workflow.Role``, so a member compares
    (and hashes) equal to its ``Role`` counterpart and no mapping is needed between them.
    """

    RECEPTION_CLERK = Role.RECEPTION_CLERK.value
    SPECIALIST = Role.SPECIALIST.value
    LEADER = Role.LEADER.value
    CLERICAL_OFFICER = Role.CLERICAL_OFFICER.value
    MANAGER = "manager"
    ADMIN = "admin"
    # Not a person: the public-service portal's integration account (client-credentials token),
    # which submits the dossiers citizens file online.
    PORTAL = "portal"


ROLE_NAMES = {
    OfficerRole.RECEPTION_CLERK: "Bộ phận một cửa",
    OfficerRole.SPECIALIST: "Chuyên viên",
    OfficerRole.LEADER: "Lãnh đạo",
    OfficerRole.CLERICAL_OFFICER: "Văn thư",
    OfficerRole.MANAGER: "Quản lý",
    OfficerRole.ADMIN: "Quản trị hệ thống",
    OfficerRole.PORTAL: "Cổng dịch vụ công",
}


def role_names(roles: Iterable[OfficerRole]) -> str:
    return ", ".join(ROLE_NAMES[role] for role in sorted(roles))


class Officer(BaseModel):
    """An authenticated officer: account, display name, roles held, and the agency served."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StaffId
    name: str = Field(min_length=1, max_length=200)
    roles: frozenset[OfficerRole] = Field(min_length=1)
    agency: AgencyCode

    def acting_role(self, allowed: Iterable[OfficerRole]) -> OfficerRole | None:
        """The role in which the officer may do what ``allowed`` admits, if any (stable order)."""
        held = sorted(self.roles & frozenset(allowed))
        return held[0] if held else None
