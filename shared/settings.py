"""Settings every service reads from its environment (pydantic-settings)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Connection and identity settings shared by all four services.

    Each service subclasses this with its own fields; values come from environment variables of the
    same name, upper-cased (e.g. ``KAFKA_BOOTSTRAP_SERVERS``).
    """

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "onestop"
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    mongodb_uri: str = "mongodb://127.0.0.1:27018/"
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

    def topic(self, name: str) -> str:
        """The real topic name of a catalogue topic under this deployment's prefix."""
        return f"{self.topic_prefix}{name}"
