"""The officer acting, from the two headers the department's SSO gateway sets after sign-in.

Services trust the gateway and only validate: a missing or malformed header is a 422 naming
``header.x-officer-id`` or ``header.x-officer-role``; a role the route does not admit is a 403.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header

from shared.events.values import StaffId
from shared.http.errors import field_error
from shared.officers import ROLE_NAMES, Officer, OfficerRole

ROLE_FIELD = "header.x-officer-role"


def current_officer(
    x_officer_id: Annotated[StaffId, Header()],
    x_officer_role: Annotated[OfficerRole, Header()],
) -> Officer:
    return Officer(id=x_officer_id, role=x_officer_role)


CurrentOfficer = Annotated[Officer, Depends(current_officer)]


def require_roles(*roles: OfficerRole) -> Callable[[Officer], Officer]:
    """A dependency admitting only officers acting in one of ``roles``."""
    allowed = frozenset(roles)
    names = ", ".join(ROLE_NAMES[role] for role in roles)

    def officer_in_role(officer: CurrentOfficer) -> Officer:
        if officer.role not in allowed:
            raise field_error(403, ROLE_FIELD, f"Chỉ {names} được thực hiện thao tác này")
        return officer

    return officer_in_role
