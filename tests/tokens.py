"""Officers' bearer tokens for the tests, minted with the checkout's development key (the one the
services under test verify with), as the identity provider would issue them."""

from shared.auth import mint_token


def bearer(role: str, agency: str, account: str | None = None, **claims: int) -> dict[str, str]:
    """``Authorization`` header of ``account`` (default ``t.<role>``) acting as ``role``."""
    token = mint_token(account or f"t.{role}", [role], agency, name=account, **claims)
    return {"Authorization": f"Bearer {token}"}
