#!/bin/bash
# Formats the broker's storage once, with its SCRAM-SHA-512 users in the metadata log from the start
# (KRaft keeps SCRAM credentials there; a SASL-only broker needs them before anyone can log in).
# Run by the kafka-format service of docker-compose.yml before the broker; a second run does
# nothing (--ignore-formatted). Passwords come from the secrets mounted in /run/secrets.
set -euo pipefail
# Where the image keeps things; tests/integration/test_kafka_acls.py points them elsewhere.
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"
SECRETS_DIR="${SECRETS_DIR:-/run/secrets}"
DATA_DIR="${DATA_DIR:-/var/lib/kafka/data}"
CONTROLLER="${CONTROLLER:-localhost:9093}"
# One node by default; deploy/production/compose.yml formats each of its three with its own id and
# the three voters.
NODE_ID="${NODE_ID:-1}"
VOTERS="${VOTERS:-1@${CONTROLLER}}"

# The broker's own user, the administrator (creates the ACLs) and one principal per service; the
# read-only principal for external subscribers.
USERS="broker admin intake workflow notify reporting subscriber"

properties=$(mktemp)
# What `format` reads (the node, its roles, the controller quorum, where the data lives: they must
# equal the broker's settings in docker-compose.yml), and a broker listener, which it requires of a
# broker node but never opens.
cat > "$properties" <<PROPERTIES
process.roles=broker,controller
node.id=${NODE_ID}
controller.quorum.voters=${VOTERS}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://localhost:0,CONTROLLER://${CONTROLLER}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${DATA_DIR}
PROPERTIES

scram=()
for user in $USERS; do
    file="$SECRETS_DIR/kafka_${user}_password"
    password=$(tr -d '\r\n' < "$file")
    # The broker reads its own file as it is, and a line break inside JAAS's quotes stops it from
    # starting: refuse one here, where the message is clear (deploy/make-secrets.sh writes none).
    if [[ $(wc -c < "$file") -ne ${#password} ]]; then
        echo "$file ends with a line break; write it without (printf '%s' ...)" >&2
        exit 1
    fi
    # SCRAM's and JAAS's syntax have no quoting: keep to letters, digits and . _ ~ -
    if [[ ! "$password" =~ ^[A-Za-z0-9._~-]+$ ]]; then
        echo "kafka_${user}_password: letters, digits and . _ ~ - only, not empty" >&2
        exit 1
    fi
    scram+=(--add-scram "SCRAM-SHA-512=[name=${user},password=${password}]")
done

exec "$KAFKA_BIN/kafka-storage.sh" format --ignore-formatted \
    --cluster-id "${CLUSTER_ID:?set CLUSTER_ID}" --config "$properties" "${scram[@]}"
