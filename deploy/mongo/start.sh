#!/bin/bash
# mongod refuses a replica-set key file readable by others, and compose mounts secrets with the
# host file's mode: copy it, owner-only, for the mongodb user, then hand over to the image's
# entrypoint (which creates the root user and runs /docker-entrypoint-initdb.d on first start).
set -euo pipefail
install -m 0400 -o mongodb -g mongodb /run/secrets/mongo_keyfile /data/configdb/keyfile
exec docker-entrypoint.sh "$@"
