"""What the routes take from the request: the open container and the officer acting."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from services.intake.bootstrap import IntakeContainer
from shared.events.workflow import Role
from shared.http import field_error


def _container(request: Request) -> IntakeContainer:
    container: IntakeContainer = request.app.state.container
    return container


ContainerDep = Annotated[IntakeContainer, Depends(_container)]


@dataclass(frozen=True)
class Officer:
    id: str
    role: Role


def _reception_clerk(
    x_officer_id: Annotated[str, Header(min_length=1, max_length=100)],
    x_officer_role: Annotated[str, Header()],
) -> Officer:
    """The department's SSO gateway sets both headers; only a reception clerk works the desk."""
    try:
        role = Role(x_officer_role)
    except ValueError:
        raise field_error(422, "header.x-officer-role", "Vai trò cán bộ không hợp lệ") from None
    if role is not Role.RECEPTION_CLERK:
        raise field_error(
            403, "header.x-officer-role", "Chỉ cán bộ tiếp nhận được thực hiện thao tác này"
        )
    return Officer(x_officer_id, role)


ClerkDep = Annotated[Officer, Depends(_reception_clerk)]
