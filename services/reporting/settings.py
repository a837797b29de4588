"""Settings of the reporting service, read from its environment."""

from typing import Self

from pydantic import Field, SecretStr, model_validator

from shared.auth.settings import Environment
from shared.http import HttpSettings


class ReportingSettings(HttpSettings):
    service_name: str = "reporting"
    mongodb_database: str = "reporting"
    # Off for processes that only serve reports (e.g. a second replica behind the dashboard).
    consume_events: bool = True
    rebuild_batch_size: int = 2000

    # The national public-service portal's sync endpoint (Decision 31/2021/QĐ-TTg art. 30 cl. 3).
    # Unset: records are kept and wait, nothing is sent; they go once it is set.
    portal_sync_url: str | None = None
    portal_sync_token: SecretStr | None = None
    portal_sync_timeout_s: float = Field(default=10.0, gt=0)
    portal_sync_backoff_initial_s: float = Field(default=2.0, gt=0)
    portal_sync_backoff_max_s: float = Field(default=300.0, gt=0)
    # How often the sender looks for due records (it is also woken after each consumed batch).
    portal_sync_poll_interval_s: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _portal_token_in_production(self) -> Self:
        production = self.environment is Environment.PRODUCTION
        if production and self.portal_sync_url and self.portal_sync_token is None:
            raise ValueError("PORTAL_SYNC_URL is set without PORTAL_SYNC_TOKEN in production")
        return self
