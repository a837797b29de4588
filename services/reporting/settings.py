"""Settings of the reporting service, read from its environment."""

from shared.http import HttpSettings


class ReportingSettings(HttpSettings):
    service_name: str = "reporting"
    mongodb_database: str = "reporting"
    # Off for processes that only serve reports (e.g. a second replica behind the dashboard).
    consume_events: bool = True
    rebuild_batch_size: int = 2000
