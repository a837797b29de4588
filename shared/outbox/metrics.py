"""Prometheus metrics of the outbox relay (default registry)."""

from prometheus_client import Counter, Gauge

OUTBOX_WAITING = Gauge(
    "onestop_outbox_waiting_documents",
    "Records in the service's outbox not yet acknowledged by Kafka, when the relay last read all.",
)
OUTBOX_PUBLISHED = Counter(
    "onestop_outbox_published_total", "Outbox records the relay published.", ["topic"]
)
