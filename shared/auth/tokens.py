"""Minting tokens with the development key: for the CLI, the demo loader and the tests."""

import time
import uuid
from collections.abc import Iterable

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from shared.auth.keys import dev_signing_key
from shared.auth.settings import AuthSettings
from shared.auth.verifier import ALGORITHM, key_id


def mint_token(
    subject: str,
    roles: Iterable[str],
    agency: str,
    *,
    name: str | None = None,
    ttl_s: int = 3600,
    settings: AuthSettings | None = None,
    key: ec.EllipticCurvePrivateKey | None = None,
    not_before_s: int = 0,
) -> str:
    settings = settings or AuthSettings()
    key = key or dev_signing_key(settings.auth_local_key_file)
    now = int(time.time())
    claims = {
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "sub": subject,
        "roles": sorted(roles),
        "agency": agency,
        "iat": now,
        "nbf": now + not_before_s,
        "exp": now + ttl_s,
        "jti": uuid.uuid4().hex,
    }
    if name is not None:
        claims["name"] = name
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": key_id(key.public_key())})
