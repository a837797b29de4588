#!/bin/bash
# Grants each service's principal what it needs and no more: it writes only the topics the event
# catalogue (shared/events/catalogue.py) names it the producer of, and dead letters; it reads and
# creates (at start-up, ensure_topics) the catalogue topics, and reads with its own consumer group.
# The subscriber principal (external systems) reads the catalogue topics with groups named
# subscriber-*. Run by the kafka-acls service of docker-compose.yml once the broker is healthy;
# adding an ACL that exists is a no-op, so it runs at every `up`.
set -euo pipefail

# Topic owners, as in the event catalogue (tests/unit/test_compose.py checks they agree).
OWNS_intake="case-submitted supplement-received result-returned case-rated"
OWNS_workflow="step-completed supplement-requested fee-requested processing-resumed appointment-rescheduled processing-stopped case-resolved payment-approved deadline-warning"
OWNS_notify="notification-sent notification-failed"
OWNS_reporting=""
SERVICES="intake workflow notify reporting"
PREFIX="${TOPIC_PREFIX:-}"

config=$(mktemp)
bash "$(dirname "$0")/admin-login.sh" > "$config"

acl() {
    /opt/kafka/bin/kafka-acls.sh --bootstrap-server "${KAFKA_BOOTSTRAP_SERVERS:-kafka:29092}" \
        --command-config "$config" --add --force "$@" > /dev/null
}

# Each call names many topics at once: one JVM start per call.
topics() { for topic in "$@"; do printf -- '--topic %s%s ' "$PREFIX" "$topic"; done; }

ALL="$OWNS_intake $OWNS_workflow $OWNS_notify"
dead_letters=()
for topic in $ALL; do dead_letters+=("$topic.dlq"); done

for service in $SERVICES; do
    principal="User:$service"
    owned="OWNS_$service"
    # shellcheck disable=SC2046 # word splitting of the generated --topic options is intended
    acl --allow-principal "$principal" --operation Read --operation Describe --operation Create \
        $(topics $ALL)
    # shellcheck disable=SC2046
    acl --allow-principal "$principal" --operation Write --operation Describe --operation Create \
        $(topics "${dead_letters[@]}")
    if [[ -n "${!owned}" ]]; then
        # shellcheck disable=SC2046
        acl --allow-principal "$principal" --operation Write $(topics ${!owned})
    fi
    acl --allow-principal "$principal" --operation Read --group "${PREFIX}${service}"
    acl --allow-principal "$principal" --operation IdempotentWrite --cluster
    echo "ACLs of $principal: writes ${!owned:-dead letters only}"
done

# shellcheck disable=SC2046
acl --allow-principal User:subscriber --operation Read --operation Describe $(topics $ALL)
acl --allow-principal User:subscriber --operation Read \
    --resource-pattern-type prefixed --group "${PREFIX}subscriber-"
echo "ACLs of User:subscriber: reads the catalogue topics"
