#!/bin/bash
# Writes a random value for every secret docker-compose.yml reads into ./secrets (next to the
# compose file), owner-only; an existing file is kept, so running it again changes nothing.
# Kafka's TLS key and certificate for the external listener are not made here: put the PEM file
# (private key, PKCS#8, then the certificate chain) at secrets/kafka_tls_keystore.pem.
set -euo pipefail
cd "$(dirname "$0")/.."
# The folder is the owner's only; the files in it are readable, because compose (without swarm)
# mounts each file as it is, and the containers' users are not the host's owner.
mkdir -p secrets
chmod 0700 secrets
umask 022

# notify_hash_key keys the delivery log's recipient hashes.
names=(mongo_root_password notify_hash_key)
for user in broker admin intake workflow notify reporting subscriber; do
    names+=("kafka_${user}_password")
done
for service in intake workflow notify reporting; do
    names+=("${service}_mongodb_password")
done
# The Kafka controllers' login to each other, in the production profile (deploy/production/).
names+=(kafka_controller_password)

for name in "${names[@]}"; do
    [[ -s "secrets/$name" ]] || od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "secrets/$name"
done
# The replica set's internal key: base64, 6 to 1024 characters.
[[ -s secrets/mongo_keyfile ]] || head -c 756 /dev/urandom | base64 -w0 > secrets/mongo_keyfile
echo "secrets in $(pwd)/secrets: ${#names[@]} passwords and the replica-set key"
