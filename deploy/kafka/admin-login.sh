#!/bin/bash
# Prints the client properties of the administrator (SASL SCRAM-SHA-512 on the internal listener),
# for Kafka's command-line tools: --command-config of kafka-acls.sh, kafka-broker-api-versions.sh.
set -euo pipefail
password=$(tr -d '\r\n' < "${SECRETS_DIR:-/run/secrets}/kafka_admin_password")
cat <<CONFIG
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${password}";
CONFIG
