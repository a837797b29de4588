"""Prometheus metrics of event consumption and publication (default registry, one per process).

Topic labels are catalogue names, without the deployment prefix, to keep label sets small.
"""

from prometheus_client import Counter, Gauge, Histogram

EVENTS_CONSUMED = Counter(
    "onestop_events_consumed_total",
    "Messages taken from Kafka, by outcome: ok, retried, dead_lettered, decode_error, "
    "foreign_source (a source that does not own the topic).",
    ["topic", "outcome"],
)
EVENTS_PUBLISHED = Counter(
    "onestop_events_published_total",
    "Events acknowledged by the broker.",
    ["topic"],
)
HANDLER_DURATION = Histogram(
    "onestop_event_handler_duration_seconds",
    "Time spent in one call of an event handler.",
    ["topic"],
)
CONSUMER_LAG = Gauge(
    "onestop_consumer_lag_messages",
    "Messages on a partition not yet applied by the consumer group, after its last batch.",
    ["group", "topic", "partition"],
)
