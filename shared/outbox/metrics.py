"""Prometheus metrics of the outbox relay (default registry)."""

from prometheus_client import Counter, Gauge

OUTBOX_WAITING = Gauge(
    "onestop_outbox_waiting_documents",
    "Documents with entries still to publish after the relay's last poll.",
    ["collection"],
)
OUTBOX_PUBLISHED = Counter(
    "onestop_outbox_published_total",
    "Outbox entries the relay published.",
    ["collection", "topic"],
)
