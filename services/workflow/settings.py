"""Settings of the workflow service, read from its environment."""

from pydantic import Field

from shared.http import HttpSettings


class WorkflowSettings(HttpSettings):
    service_name: str = "workflow"
    mongodb_database: str = "workflow"
    # Run the consumer, the outbox relay and the deadline watch inside the HTTP process; a
    # deployment may run them in separate replicas instead (each is safe to run several times).
    workers_enabled: bool = True
    deadline_watch_interval_s: float = Field(default=60.0, gt=0)
