"""Settings every service reads from its environment (pydantic-settings)."""

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

KafkaSecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
KafkaSaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]
# Docker and Kubernetes mount secrets as files: /run/secrets/kafka_sasl_password gives that setting
# (an environment variable of the same name wins). Named only when present: pydantic-settings warns
# about a missing folder.
SECRETS_DIR = Path("/run/secrets")


class ServiceSettings(BaseSettings):
    """Connection and identity settings shared by all four services.

    Each service subclasses this with its own fields; values come from environment variables of the
    same name, upper-cased (e.g. ``KAFKA_BOOTSTRAP_SERVERS``).
    """

    model_config = SettingsConfigDict(extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Files in /run/secrets whatever the other bases' configs say: pydantic merges every
        base's ``model_config``, and a mixed-in settings class brings ``secrets_dir=None``."""
        if SECRETS_DIR.is_dir():
            file_secret_settings = SecretsSettingsSource(settings_cls, secrets_dir=SECRETS_DIR)
        return init_settings, env_settings, dotenv_settings, file_secret_settings

    service_name: str = "onestop"
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    # How every Kafka client of the service authenticates (shared/kafka/connection.py builds the
    # client options from these). The defaults are the local stack's open listener.
    kafka_security_protocol: KafkaSecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: KafkaSaslMechanism = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    # TLS (protocols SSL and SASL_SSL): the CA that signed the brokers' certificates (default: the
    # system's), and a client certificate and key when the brokers ask for one (mutual TLS).
    kafka_ssl_cafile: str | None = None
    kafka_ssl_certfile: str | None = None
    kafka_ssl_keyfile: str | None = None
    kafka_ssl_key_password: SecretStr | None = None
    kafka_ssl_check_hostname: bool = True
    # The URI may carry credentials itself; these, when set, are given to the driver apart, so a
    # password need not be URL-encoded into the URI (or can come from a secret of its own).
    mongodb_uri: str = "mongodb://127.0.0.1:27018/"
    mongodb_username: str | None = None
    mongodb_password: SecretStr | None = None
    # Where the user is defined; MongoDB's default is the database named in the URI, else admin.
    mongodb_auth_source: str | None = None
    mongodb_database: str = "onestop"
    # Prepended to every topic name so that test modules (or tenants) never see each other's events.
    topic_prefix: str = ""
    log_level: str = "INFO"
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_initial_s: float = Field(default=0.2, gt=0)
    consumer_backoff_max_s: float = Field(default=5.0, gt=0)
    outbox_poll_interval_s: float = Field(default=0.2, gt=0)
    # After a crash, a replica's (or the restarted) relay publishes once this lapses.
    outbox_lease_s: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def _credentials_fit_the_protocol(self) -> Self:
        """Refuse at start-up what would otherwise fail (or silently go unused) at first connect."""
        protocol = self.kafka_security_protocol
        if protocol.startswith("SASL_") and not (
            self.kafka_sasl_username and self.kafka_sasl_password
        ):
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_USERNAME and "
                "KAFKA_SASL_PASSWORD"
            )
        if not protocol.startswith("SASL_") and self.kafka_sasl_username:
            raise ValueError(
                f"KAFKA_SASL_USERNAME is set but KAFKA_SECURITY_PROTOCOL={protocol} sends no "
                "credentials (use SASL_PLAINTEXT or SASL_SSL)"
            )
        tls = (self.kafka_ssl_cafile, self.kafka_ssl_certfile, self.kafka_ssl_keyfile)
        if not protocol.endswith("SSL") and any(tls):
            raise ValueError(
                f"KAFKA_SSL_* files are set but KAFKA_SECURITY_PROTOCOL={protocol} does not use TLS"
            )
        if bool(self.mongodb_username) != bool(self.mongodb_password):
            raise ValueError("MONGODB_USERNAME and MONGODB_PASSWORD go together")
        return self

    def topic(self, name: str) -> str:
        """The real topic name of a catalogue topic under this deployment's prefix."""
        return f"{self.topic_prefix}{name}"
