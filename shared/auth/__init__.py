"""Officers' identity: OAuth 2 bearer tokens (JWT) verified against an identity provider's keys."""

from shared.auth.keys import DEV_KEY_FILE, dev_signing_key
from shared.auth.settings import AuthSettings
from shared.auth.tokens import mint_token
from shared.auth.verifier import InvalidToken, TokenVerifier, build_verifier

__all__ = [
    "DEV_KEY_FILE",
    "AuthSettings",
    "InvalidToken",
    "TokenVerifier",
    "build_verifier",
    "dev_signing_key",
    "mint_token",
]
