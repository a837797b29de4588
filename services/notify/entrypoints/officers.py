"""Who is calling: the officer identity the department's SSO gateway puts in two headers."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Header


class OfficerRole(StrEnum):
    CLERK = "clerk"
    SPECIALIST = "specialist"
    LEADER = "leader"
    MANAGER = "manager"


@dataclass(frozen=True)
class Officer:
    id: str
    role: OfficerRole


def current_officer(
    x_officer_id: Annotated[str, Header(min_length=1, max_length=100)],
    x_officer_role: Annotated[OfficerRole, Header()],
) -> Officer:
    """Both headers are set by the SSO gateway in front of the services; missing or bad is a 422."""
    return Officer(x_officer_id, x_officer_role)


CurrentOfficer = Annotated[Officer, Depends(current_officer)]
