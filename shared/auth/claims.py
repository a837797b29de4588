"""From a verified token's claims to the principal acting: an officer, or the portal's client."""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from shared.officers import Officer


class BadClaims(ValueError):
    """The token is genuine but does not say who acts in a form we accept."""


def principal_of(claims: Mapping[str, Any]) -> Officer:
    """``sub`` is the account, ``roles`` and ``agency`` what it may do where; a client-credentials
    token (the portal's) has no ``name`` and is named after its client id."""
    try:
        return Officer(
            id=claims["sub"],
            name=claims.get("name") or claims["sub"],
            roles=frozenset(claims["roles"]),
            agency=claims["agency"],
        )
    except (KeyError, TypeError, ValidationError) as exc:
        raise BadClaims(f"token claims incomplete: {_first_problem(exc)}") from None


def _first_problem(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]}"
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
    return "malformed"
