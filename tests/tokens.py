"""Officers' bearer tokens for the tests, minted with the checkout's development key (the one the
services under test verify with), as the identity provider would issue them."""

from shared.auth import mint_token
from shared.officers import Officer, OfficerRole


def bearer(role: str, agency: str, account: str | None = None, **claims: int) -> dict[str, str]:
    """``Authorization`` header of ``account`` (default ``t.<role>``) acting as ``role``."""
    token = mint_token(account or f"t.{role}", [role], agency, name=account, **claims)
    return {"Authorization": f"Bearer {token}"}


def officer(role: str, agency: str, account: str | None = None) -> Officer:
    """The officer such a token names, for use cases called without HTTP."""
    account = account or f"t.{role}"
    return Officer(id=account, name=account, roles=frozenset({OfficerRole(role)}), agency=agency)
