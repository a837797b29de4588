"""Settings of the HTTP face every service shares, on top of its connection settings."""

from pydantic import Field

from shared.auth import AuthSettings
from shared.settings import ServiceSettings


class HttpSettings(ServiceSettings, AuthSettings):
    """Each service's settings subclass this; values come from the environment like the rest."""

    # Dossiers carry document metadata, not scans, so 1 MiB is generous; larger bodies are refused
    # before anything parses them.
    http_max_body_bytes: int = Field(default=1_048_576, gt=0)
    # What /readyz waits for each dependency before calling it unreachable.
    readiness_timeout_s: float = Field(default=2.0, gt=0)
    # Off in production where the API is not for the public to browse: /docs, /redoc and
    # /openapi.json are not served at all.
    http_expose_docs: bool = True
    # Off: /metrics needs an administrator's token (a scraper's service account).
    http_expose_metrics: bool = True
