"""Passwords the local stack generates for its own servers, kept beside their data.

Generated once per data folder (so a restart finds the users the storage was set up with), readable
by the owner only. They are local development secrets: never reused, never committed (``.run/`` is
ignored by git).
"""

import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path


def credentials(file: Path, users: Iterable[str]) -> dict[str, str]:
    """User name -> password for ``users``, created in ``file`` the first time they are asked for.

    Passwords are hex, so they fit unquoted in Kafka's SCRAM and JAAS syntax and in a URI.
    """
    found: dict[str, str] = json.loads(file.read_text()) if file.is_file() else {}
    missing = [user for user in users if user not in found]
    if missing:
        found |= {user: secrets.token_hex(16) for user in missing}
        file.parent.mkdir(parents=True, exist_ok=True)
        # Created with owner-only permissions, never world-readable even for an instant.
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            json.dump(found, out)
    return found
