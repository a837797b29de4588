#!/usr/bin/env bash
# The README's run command: installs, starts Kafka, SecantusDB, the notify sinks and the four
# services on loopback, loads the demo dossiers and the 2018 paper registers, and says where to
# look.
# Idempotent: a second run reuses what runs and what the demo already created.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/bootstrap.sh
scripts/ensure-system-packages.sh
.venv/bin/python -m devstack up --services
.venv/bin/python -m devstack.demo
# The seed's year (Thanh Chương, 2018) from the desks' paper registers, for the reports.
.venv/bin/python -m devstack.register_year

host=127.0.0.1
cat <<URLS

API docs:   intake    http://$host:${INTAKE_PORT:-8001}/docs
            workflow  http://$host:${WORKFLOW_PORT:-8002}/docs
            notify    http://$host:${NOTIFY_PORT:-8003}/docs
            reporting http://$host:${REPORTING_PORT:-8004}/docs
Dashboard:  http://$host:${REPORTING_PORT:-8004}/dashboard
Sent mail:  http://$host:${SINKS_HTTP_PORT:-8025}/mail
Sent SMS:   http://$host:${SINKS_HTTP_PORT:-8025}/sms
Stop:       .venv/bin/python -m devstack down
URLS
