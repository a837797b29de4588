"""Settings of the HTTP face every service shares, on top of its connection settings."""

from pydantic import Field

from shared.settings import ServiceSettings


class HttpSettings(ServiceSettings):
    """Each service's settings subclass this; values come from the environment like the rest."""

    # Dossiers carry document metadata, not scans, so 1 MiB is generous; larger bodies are refused
    # before anything parses them.
    http_max_body_bytes: int = Field(default=1_048_576, gt=0)
    # What /readyz waits for each dependency before calling it unreachable.
    readiness_timeout_s: float = Field(default=2.0, gt=0)
