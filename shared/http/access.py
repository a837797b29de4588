"""Who may call what: one table of rules per service, enforced for every route by one dependency.

Each service declares ``{(method, path): rule}`` for all its routes; the shared routes (probes,
metrics, docs) are declared here. The app refuses to start when a route has no rule, and a
request to a route without one is refused (deny by default). A rule either admits anyone
(``PUBLIC``, with the reason why) or an officer holding one of its roles; the officer comes from
the ``Authorization: Bearer`` token, verified by ``shared.auth``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.exceptions import HTTPException

from shared.auth import InvalidToken, TokenVerifier
from shared.http.errors import field_error
from shared.officers import Officer, OfficerRole, role_names

TOKEN_FIELD = "header.authorization"
ROLES_FIELD = "token.roles"
CHALLENGE = 'Bearer realm="onestop"'


@dataclass(frozen=True)
class Rule:
    """``roles`` empty: public (``why`` says why); else any of these roles."""

    roles: frozenset[OfficerRole]
    why: str = ""

    @property
    def public(self) -> bool:
        return not self.roles


def public(why: str) -> Rule:
    return Rule(frozenset(), why)


def officers(*roles: OfficerRole) -> Rule:
    if not roles:
        raise ValueError("an officers' rule names at least one role")
    return Rule(frozenset(roles))


Rules = Mapping[tuple[str, str], Rule]

SHARED_RULES: Rules = {
    ("GET", "/healthz"): public("liveness probe of the orchestrator"),
    ("GET", "/readyz"): public("readiness probe of the orchestrator"),
    ("GET", "/metrics"): public("scraped by Prometheus; restricted by HTTP_EXPOSE_METRICS"),
    ("GET", "/docs"): public("API documentation; not served when HTTP_EXPOSE_DOCS is off"),
    ("GET", "/redoc"): public("API documentation; not served when HTTP_EXPOSE_DOCS is off"),
}
# The audit trail of a service (GET /audit): managers and administrators.
AUDITORS = officers(OfficerRole.MANAGER, OfficerRole.ADMIN)
# With HTTP_EXPOSE_METRICS off, a scraper needs a token with this role.
RESTRICTED_METRICS = officers(OfficerRole.ADMIN)


def routes_of(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers through a FastAPI route."""
    found: list[tuple[str, str]] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            found.extend((method, context.path) for method in sorted(context.methods or ()))
    return found


def undeclared(app: FastAPI, rules: Rules) -> list[tuple[str, str]]:
    return [route for route in routes_of(app) if route not in rules]


def install_rules(app: FastAPI, rules: Rules, *, expose_metrics: bool) -> None:
    """Rules of the app's routes; checked when the app starts (``check_rules``)."""
    shared = dict(SHARED_RULES)
    if not expose_metrics:
        shared[("GET", "/metrics")] = RESTRICTED_METRICS
    app.state.access_rules = {**shared, **rules}


def check_rules(app: FastAPI) -> None:
    missing = undeclared(app, app.state.access_rules)
    if missing:
        raise RuntimeError(f"routes without an access rule: {missing}")


def full_path(app: FastAPI, route: APIRoute) -> str:
    """The path the app serves ``route`` at: a route of a nested router knows only its own part."""
    paths: dict[int, str] | None = getattr(app.state, "route_paths", None)
    if paths is None or id(route) not in paths:
        paths = {
            id(context.original_route): context.path
            for context in iter_route_contexts(app.routes)
            if context.path is not None
        }
        app.state.route_paths = paths
    return paths.get(id(route), route.path)


async def authorize(request: Request) -> None:
    """The app-wide dependency: applies the matched route's rule, keeps the officer it admits."""
    route = request.scope.get("route")
    path = full_path(request.app, route) if isinstance(route, APIRoute) else ""
    rule = request.app.state.access_rules.get((request.method, path))
    if rule is None:
        raise field_error(403, "path", "Chức năng chưa được phân quyền")
    if rule.public:
        return
    verifier: TokenVerifier = request.app.state.token_verifier
    officer = await _verified(verifier, request.headers.get("authorization"))
    if not officer.roles & rule.roles:
        raise field_error(403, ROLES_FIELD, f"Chỉ {role_names(rule.roles)} được thực hiện")
    request.state.officer = officer


async def _verified(verifier: TokenVerifier, header: str | None) -> Officer:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthenticated("Cần mã xác thực (Bearer) của cán bộ", CHALLENGE)
    try:
        return await verifier.verify(token.strip())
    except InvalidToken as exc:
        raise _unauthenticated(str(exc), f'{CHALLENGE}, error="invalid_token"') from None


def _unauthenticated(reason: str, challenge: str) -> HTTPException:
    error = field_error(401, TOKEN_FIELD, reason)
    error.headers = {"WWW-Authenticate": challenge}
    return error


def current_officer(request: Request) -> Officer:
    officer: Officer | None = getattr(request.state, "officer", None)
    if officer is None:
        # A route reading the officer was declared public: a programming error, never a guess.
        raise RuntimeError(f"{request.url.path}: no officer on a route declared public")
    return officer


CurrentOfficer = Annotated[Officer, Depends(current_officer)]
