"""Apache Kafka 4.4 from Maven Central, one KRaft node on loopback (pom.xml, log4j2.properties)."""

from devstack.kafka.broker import Kafka

__all__ = ["Kafka"]
