#!/usr/bin/env bash
# The README's test command: installs everything, then lints, type-checks and runs the whole suite.
# The test fixtures start the local Kafka + SecantusDB stack themselves when no servers are named by
# KAFKA_BOOTSTRAP_SERVERS / MONGODB_URI and no Docker engine answers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/bootstrap.sh
scripts/ensure-system-packages.sh --with-browser
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/pytest "$@"
