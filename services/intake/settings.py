"""Settings of the intake service, read from its environment."""

from shared.http import HttpSettings
from shared.http.rate_limit import RateLimitSettings


class IntakeSettings(HttpSettings, RateLimitSettings):
    service_name: str = "intake"
    mongodb_database: str = "intake"
    # Off: the app stores cases and their events but runs no relay and no consumer (tests that
    # stop "between storing and publishing", and replicas that only serve the desk).
    workers_enabled: bool = True
