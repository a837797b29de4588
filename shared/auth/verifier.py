"""Verifying bearer tokens: signature, ``exp``, ``nbf``, ``iss`` and ``aud``, then the claims.

Production keys come from the identity provider's JWKS, cached and fetched again when a token
names a key id not seen yet (the provider rotated). Development keys come from a local file.
"""

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from shared.auth.claims import BadClaims, principal_of
from shared.auth.keys import dev_signing_key
from shared.auth.settings import AuthSettings
from shared.officers import Officer

ALGORITHM = "ES256"
# Algorithms accepted from a provider; "none" and HMAC never (a public key is no HMAC secret).
PROVIDER_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub"]


class InvalidToken(Exception):
    """Missing, forged, expired, not yet valid, for someone else, or saying too little."""


class KeySource(Protocol):
    async def key_for(self, token: str) -> Any: ...


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:16]


@dataclass(frozen=True)
class LocalKey:
    public_key: ec.EllipticCurvePublicKey

    async def key_for(self, token: str) -> Any:
        return self.public_key


@dataclass(frozen=True)
class ProviderKeys:
    client: jwt.PyJWKClient

    async def key_for(self, token: str) -> Any:
        # PyJWKClient fetches with urllib: off the event loop.
        signing = await asyncio.to_thread(self.client.get_signing_key_from_jwt, token)
        return signing.key


@dataclass(frozen=True)
class TokenVerifier:
    keys: KeySource
    algorithms: list[str]
    issuer: str
    audience: str
    leeway_s: int

    async def verify(self, token: str) -> Officer:
        try:
            key = await self.keys.key_for(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_s,
                options={"require": REQUIRED_CLAIMS},
            )
            return principal_of(claims)
        except (jwt.PyJWTError, BadClaims) as exc:
            raise InvalidToken(_reason(exc)) from None


def build_verifier(settings: AuthSettings) -> TokenVerifier:
    keys: KeySource
    if settings.auth_jwks_url:
        client = jwt.PyJWKClient(
            settings.auth_jwks_url,
            cache_keys=True,
            lifespan=settings.auth_jwks_cache_s,
            cooldown_duration=settings.auth_jwks_refresh_cooldown_s,
            timeout=5,
        )
        keys, algorithms = ProviderKeys(client), PROVIDER_ALGORITHMS
    else:
        keys = LocalKey(dev_signing_key(settings.auth_local_key_file).public_key())
        algorithms = [ALGORITHM]
    return TokenVerifier(
        keys, algorithms, settings.auth_issuer, settings.auth_audience, settings.auth_leeway_s
    )


def _reason(exc: Exception) -> str:
    """Why, in words safe to send back: never the token nor the key."""
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "Phiên đăng nhập đã hết hạn"
    if isinstance(exc, jwt.ImmatureSignatureError):
        return "Mã xác thực chưa có hiệu lực"
    if isinstance(exc, jwt.InvalidAudienceError | jwt.InvalidIssuerError):
        return "Mã xác thực không dành cho hệ thống này"
    if isinstance(exc, BadClaims):
        return "Mã xác thực thiếu thông tin cán bộ"
    return "Mã xác thực không hợp lệ"
