"""Prometheus metrics of the messages notify handles (default registry, served at /metrics)."""

from prometheus_client import Counter

MESSAGES = Counter(
    "onestop_notify_messages_total",
    "Outcomes of send attempts: sent, retrying, dead; taken_over (a lapsed claim sent again), "
    "unrecorded (an outcome that could not be stored: the message may go again).",
    ["channel", "outcome"],
)
SMS_SEGMENTS = Counter(
    "onestop_notify_sms_segments_total",
    "SMS segments accepted by the gateway (what the provider bills).",
    ["encoding"],
)
