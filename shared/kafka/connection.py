"""How every Kafka client of ours reaches the brokers: address, security protocol, credentials, TLS.

The one place that turns the settings into aiokafka's keyword arguments, so the producer, the
consumer, the admin client, the topic reader and the replay authenticate alike.
"""

import ssl
from typing import Any

from aiokafka.helpers import create_ssl_context

from shared.settings import ServiceSettings


def client_options(settings: ServiceSettings) -> dict[str, Any]:
    """Keyword arguments common to AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient."""
    protocol = settings.kafka_security_protocol
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "security_protocol": protocol,
    }
    if protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = ssl_context(settings)
    if protocol in ("SASL_PLAINTEXT", "SASL_SSL"):
        password = settings.kafka_sasl_password
        options |= {
            "sasl_mechanism": settings.kafka_sasl_mechanism,
            "sasl_plain_username": settings.kafka_sasl_username,
            "sasl_plain_password": password.get_secret_value() if password else None,
        }
    return options


def ssl_context(settings: ServiceSettings) -> ssl.SSLContext:
    """A client TLS context: the brokers' certificates checked against the CA file (or the system's
    CAs), with a client certificate when one is configured."""
    key_password = settings.kafka_ssl_key_password
    context: ssl.SSLContext = create_ssl_context(
        cafile=settings.kafka_ssl_cafile,
        certfile=settings.kafka_ssl_certfile,
        keyfile=settings.kafka_ssl_keyfile,
        # "" rather than None: for an encrypted key without a configured password OpenSSL would
        # otherwise prompt on the terminal, and a service would hang instead of failing.
        password=key_password.get_secret_value() if key_password else "",
    )
    # Off only for brokers addressed by a name their certificate does not carry (e.g. an IP);
    # the certificate chain is still verified.
    context.check_hostname = settings.kafka_ssl_check_hostname
    return context
