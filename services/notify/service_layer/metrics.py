"""Prometheus metrics of the messages notify handles (default registry, served at /metrics)."""

from prometheus_client import Counter

MESSAGES = Counter(
    "onestop_notify_messages_total",
    "Outcomes of messages and attempts: sent, retrying, dead, failed, skipped, duplicate.",
    ["channel", "outcome"],
)
SMS_SEGMENTS = Counter(
    "onestop_notify_sms_segments_total",
    "SMS segments accepted by the gateway (what the provider bills).",
    ["encoding"],
)
