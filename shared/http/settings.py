"""Settings of the HTTP face every service shares, on top of its connection settings."""

from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from shared.auth import AuthSettings
from shared.auth.settings import Environment
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

    @model_validator(mode="after")
    def production_logs_in(self) -> Self:
        """In production a service refuses the development defaults, which reach Kafka and
        MongoDB as nobody in particular (the local stack's open listener and store)."""
        if self.environment is not Environment.PRODUCTION:
            return self
        protocol = self.kafka_security_protocol
        if not protocol.startswith("SASL_") and not (protocol == "SSL" and self.kafka_ssl_certfile):
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL={protocol} sends no credentials; production needs "
                "SASL_SSL or SASL_PLAINTEXT (or SSL with KAFKA_SSL_CERTFILE)"
            )
        uri = urlsplit(self.mongodb_uri)
        if not (self.mongodb_username or uri.username or "MONGODB-X509" in uri.query.upper()):
            raise ValueError(
                "MongoDB without credentials in production: set MONGODB_USERNAME and "
                "MONGODB_PASSWORD (or a user in MONGODB_URI)"
            )
        return self
