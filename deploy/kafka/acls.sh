#!/bin/bash
# Grants each service's principal what it needs and no more: it writes only the topics the event
# catalogue (shared/events/catalogue.py) names it the producer of, and dead letters; it reads and
# creates (at start-up, ensure_topics) the catalogue topics, and reads with its own consumer group.
# The subscriber principal (external systems) reads the catalogue topics with groups named
# subscriber-*. Reporting also writes portal-sync.dlq (records the national portal refused).
# Run by the kafka-acls service of docker-compose.yml once the broker is healthy;
# adding an ACL that exists is a no-op, so it runs at every `up`.
set -euo pipefail
# Where the image keeps things; tests/integration/test_kafka_acls.py points them elsewhere.
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"

# Topic owners, as in the event catalogue (tests/unit/test_compose.py checks they agree).
OWNS_intake="case-submitted case-refused supplement-received result-returned case-rated case-recorded"
OWNS_workflow="step-completed case-transferred supplement-requested fee-requested processing-resumed
  appointment-rescheduled processing-stopped case-withdrawn case-resolved payment-approved
  deadline-warning"
OWNS_notify="notification-sent notification-failed"
OWNS_reporting=""
# Not an event topic: the records the national portal refused (services/reporting/adapters/
# portal_refusals.py), which reporting creates at start-up and alone writes.
PORTAL_DLQ="portal-sync.dlq"
SERVICES="intake workflow notify reporting"
PREFIX="${TOPIC_PREFIX:-}"

config=$(mktemp)
bash "$(dirname "$0")/admin-login.sh" > "$config"

acl() {
    "$KAFKA_BIN/kafka-acls.sh" --bootstrap-server "${KAFKA_BOOTSTRAP_SERVERS:-kafka:29092}" \
        --command-config "$config" --add --force "$@" > /dev/null
}

# Each call names many principals and topics at once: one JVM start per call.
topics() { for topic in "$@"; do printf -- '--topic %s%s ' "$PREFIX" "$topic"; done; }

ALL="$OWNS_intake $OWNS_workflow $OWNS_notify"
dead_letters=()
for topic in $ALL; do dead_letters+=("$topic.dlq"); done
services=()
for service in $SERVICES; do services+=(--allow-principal "User:$service"); done

# shellcheck disable=SC2046 # word splitting of the generated --topic options is intended
acl "${services[@]}" --operation Read --operation Describe --operation Create $(topics $ALL)
# shellcheck disable=SC2046
acl "${services[@]}" --operation Write --operation Describe --operation Create \
    $(topics "${dead_letters[@]}")
# DescribeConfigs: ensure_topics reads the brokers' default.replication.factor (3 in the
# production profile) to create the topics with.
acl "${services[@]}" --operation IdempotentWrite --operation DescribeConfigs --cluster
# shellcheck disable=SC2046
acl --allow-principal User:reporting --operation Write --operation Describe --operation Create \
    $(topics "$PORTAL_DLQ")
for service in $SERVICES; do
    owned="OWNS_$service"
    if [[ -n "${!owned}" ]]; then
        # shellcheck disable=SC2046
        acl --allow-principal "User:$service" --operation Write $(topics ${!owned})
    fi
    acl --allow-principal "User:$service" --operation Read --group "${PREFIX}${service}"
    echo "ACLs of User:$service: writes ${!owned:-dead letters only}"
done

# shellcheck disable=SC2046
acl --allow-principal User:subscriber --operation Read --operation Describe $(topics $ALL)
acl --allow-principal User:subscriber --operation Read \
    --resource-pattern-type prefixed --group "${PREFIX}subscriber-"
echo "ACLs of User:subscriber: reads the catalogue topics"
