"""Who acts in the department: an officer's account and the role the SSO gateway vouches for.

Plain values, so services' domain code can check roles without depending on the HTTP layer.
"""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.events.values import StaffId
from shared.events.workflow import Role


class OfficerRole(StrEnum):
    """The event contract's step roles, plus managers, who read reports but own no step.

    Each step role has the very value of ``shared.events.workflow.Role``, so a member compares
    (and hashes) equal to its ``Role`` counterpart and no mapping is needed between them.
    """

    RECEPTION_CLERK = Role.RECEPTION_CLERK.value
    SPECIALIST = Role.SPECIALIST.value
    LEADER = Role.LEADER.value
    CLERICAL_OFFICER = Role.CLERICAL_OFFICER.value
    MANAGER = "manager"


ROLE_NAMES = {
    OfficerRole.RECEPTION_CLERK: "Bộ phận một cửa",
    OfficerRole.SPECIALIST: "Chuyên viên",
    OfficerRole.LEADER: "Lãnh đạo",
    OfficerRole.CLERICAL_OFFICER: "Văn thư",
    OfficerRole.MANAGER: "Quản lý",
}


class Officer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StaffId
    role: OfficerRole
