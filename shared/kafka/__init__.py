"""Kafka plumbing: idempotent producer, at-least-once consumer runner, topics, dead letters."""

from shared.kafka.admin import ensure_topics
from shared.kafka.consumer import EventConsumer
from shared.kafka.deadletter import dlq_topic
from shared.kafka.producer import EventProducer
from shared.kafka.records import OutboundRecord, record_for
from shared.kafka.subscriptions import EventHandler, Subscriptions

__all__ = [
    "EventConsumer",
    "EventHandler",
    "EventProducer",
    "OutboundRecord",
    "Subscriptions",
    "dlq_topic",
    "ensure_topics",
    "record_for",
]
