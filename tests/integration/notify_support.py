"""Notify's settings on the test's servers, sending to the test's sinks."""

from typing import Any

from devstack.sinks.running import RunningSinks
from services.notify.settings import NotifySettings
from shared.settings import ServiceSettings


def notify_settings_on(
    settings: ServiceSettings, sinks: RunningSinks, **changes: Any
) -> NotifySettings:
    """The module's Kafka, store, database and topics; SMTP and SMS to ``sinks``; ``changes``."""
    connection = settings.model_dump(
        include={"kafka_bootstrap_servers", "mongodb_uri", "mongodb_database", "topic_prefix"}
    )
    return NotifySettings.model_validate(
        {
            **connection,
            "smtp_port": sinks.smtp.port,
            "sms_gateway_url": f"{sinks.url}/sms",
            **changes,
        }
    )
