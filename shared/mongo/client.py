"""The async client and database of a service, and the readiness check /readyz calls."""

import asyncio
from datetime import UTC
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.settings import ServiceSettings

Document = dict[str, Any]


def mongo_client(settings: ServiceSettings, **options: Any) -> AsyncMongoClient[Document]:
    """A client that returns timezone-aware UTC datetimes and stores UUIDs in the standard form.

    Creating it does no I/O; it connects on first use.
    """
    defaults: dict[str, Any] = {
        "tz_aware": True,
        "tzinfo": UTC,
        "uuidRepresentation": "standard",
        "appname": settings.service_name,
        # Fail a request within seconds while the store is down (503 with Retry-After) instead
        # of holding it for the driver's default 30 s.
        "serverSelectionTimeoutMS": 5000,
    }
    options = {**defaults, **credentials(settings), **options}
    return AsyncMongoClient(settings.mongodb_uri, **options)


def credentials(settings: ServiceSettings) -> dict[str, Any]:
    """The driver's options for a user given apart from the URI (a URI's own user still works)."""
    if settings.mongodb_username is None or settings.mongodb_password is None:
        return {}
    options: dict[str, Any] = {
        "username": settings.mongodb_username,
        "password": settings.mongodb_password.get_secret_value(),
    }
    if settings.mongodb_auth_source:
        options["authSource"] = settings.mongodb_auth_source
    return options


def service_database(
    client: AsyncMongoClient[Document], settings: ServiceSettings
) -> AsyncDatabase[Document]:
    return client[settings.mongodb_database]


async def ping(db: AsyncDatabase[Document], timeout_s: float = 2.0) -> None:
    """Readiness: return when the server answers, raise (e.g. ``TimeoutError``) when it does not.

    The bound keeps /readyz quick while the client would otherwise wait for server selection.
    """
    async with asyncio.timeout(timeout_s):
        await db.command("ping")
