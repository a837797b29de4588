"""The development signing key: one EC P-256 key per checkout, made on first use.

Services in development verify with its public half, and the token CLI signs with it, so a
local stack, the demo loader and the tests agree without any key being committed.
"""

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

DEV_KEY_FILE = Path(__file__).resolve().parents[2] / ".cache" / "auth" / "dev-signing-key.pem"


def dev_signing_key(path: Path | None = None) -> ec.EllipticCurvePrivateKey:
    """The key at ``path`` (the checkout's by default), created atomically if absent."""
    path = path or DEV_KEY_FILE
    if not path.exists():
        _create(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path}: not an EC private key")
    return key


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    os.chmod(tmp, 0o600)
    try:
        # link fails if another process made the key first: theirs is kept, so all agree.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
