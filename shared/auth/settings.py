"""Where officers' tokens come from and what they must say, read from the environment."""

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class AuthSettings(BaseSettings):
    """In production tokens are checked against the identity provider's JWKS; in development
    against a local signing key (``python -m devstack token`` mints with it)."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    auth_issuer: str = "https://sso.onestop.local/dev"
    auth_audience: str = "onestop-api"
    # The OIDC provider's key set, e.g. https://sso.example.gov.vn/realms/x/protocol/openid-connect/certs
    auth_jwks_url: str | None = None
    auth_jwks_cache_s: int = Field(default=300, ge=10)
    # A token naming an unknown key id makes us fetch the key set again (the provider rotated),
    # at most this often, so forged key ids cannot turn us against the provider.
    auth_jwks_refresh_cooldown_s: float = Field(default=30, ge=0)
    # Development only: a PEM EC private key (its public half verifies); default is the repo's.
    auth_local_key_file: Path | None = None
    # Clock skew tolerated on exp/nbf/iat between the provider and us.
    auth_leeway_s: int = Field(default=30, ge=0, le=300)

    @model_validator(mode="after")
    def production_uses_the_provider(self) -> "AuthSettings":
        if self.environment is Environment.PRODUCTION:
            if not self.auth_jwks_url:
                raise ValueError("AUTH_JWKS_URL is required in production")
            if self.auth_local_key_file is not None:
                raise ValueError("AUTH_LOCAL_KEY_FILE (a development key) is refused in production")
            if not self.auth_issuer or self.auth_issuer.endswith("/dev"):
                raise ValueError(
                    "AUTH_ISSUER is empty or the development default; set the provider's"
                )
        return self
