#!/bin/bash
# Formats the broker's storage once, with its SCRAM-SHA-512 users in the metadata log from the start
# (KRaft keeps SCRAM credentials there; a SASL-only broker needs them before anyone can log in).
# Run by the kafka-format service of docker-compose.yml before the broker; a second run does
# nothing (--ignore-formatted). Passwords come from the secrets mounted in /run/secrets.
set -euo pipefail

# The broker's own user, the administrator (creates the ACLs) and one principal per service; the
# read-only principal for external subscribers.
USERS="broker admin intake workflow notify reporting subscriber"

properties=$(mktemp)
# Only what `format` reads: the node, its roles, the controller quorum and where the data lives.
# They must equal the broker's settings in docker-compose.yml.
cat > "$properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
controller.listener.names=CONTROLLER
listeners=CONTROLLER://localhost:9093
log.dirs=/var/lib/kafka/data
PROPERTIES

scram=()
for user in $USERS; do
    password=$(tr -d '\r\n' < "/run/secrets/kafka_${user}_password")
    # SCRAM's and JAAS's syntax have no quoting: keep to letters, digits and . _ ~ -
    if [[ ! "$password" =~ ^[A-Za-z0-9._~-]+$ ]]; then
        echo "kafka_${user}_password: letters, digits and . _ ~ - only, not empty" >&2
        exit 1
    fi
    scram+=(--add-scram "SCRAM-SHA-512=[name=${user},password=${password}]")
done

exec /opt/kafka/bin/kafka-storage.sh format --ignore-formatted \
    --cluster-id "${CLUSTER_ID:?set CLUSTER_ID}" --config "$properties" "${scram[@]}"
