"""The README's commands for reading the topics ("Reading the topics"), and running them with bash
as a reader types them: ``tests/integration/test_reading_the_topics.py`` runs them on the
catalogue's example events, ``tests/e2e/test_demo.py`` on the demo's."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
COMMAND_TIMEOUT_S = 120

READ_FROM_THE_START = r"""
kcat -C -b "$KAFKA_BOOTSTRAP_SERVERS" -t "${TOPIC_PREFIX}case-submitted" -o beginning -e -q \
  -f '%k\t%s\n'
"""
DECODE_THE_ENVELOPE = r"""
kcat -C -b "$KAFKA_BOOTSTRAP_SERVERS" -t "${TOPIC_PREFIX}case-submitted" -o beginning -e -q \
  | jq -c '{id, type, subject, time, procedure: .data.procedure_code, agency: .data.agency_code}'
"""
FOLLOW_ONE_CASE = r"""
for topic in case-submitted supplement-requested supplement-received step-completed \
    case-resolved payment-approved result-returned case-rated notification-sent; do
  kcat -C -b "$KAFKA_BOOTSTRAP_SERVERS" -t "${TOPIC_PREFIX}$topic" -o beginning -e -q \
    -f '%k\t%s\n' | awk -F'\t' -v key="$CASE" '$1 == key { print $2 }'
done | jq -sc 'sort_by(.time) | .[] | {time, type}'
"""
PIN_A_SCHEMA_VERSION = r"""
kcat -C -b "$KAFKA_BOOTSTRAP_SERVERS" -t "${TOPIC_PREFIX}case-submitted" -o beginning -e -q \
  | jq -c 'select(.type == "vn.onestop.case-submitted.v1") | .data'
"""
CONSOLE_CONSUMER = r"""
devstack/bin/kafka-console-consumer --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" \
  --topic "${TOPIC_PREFIX}case-submitted" --from-beginning --timeout-ms 10000 \
  --formatter-property print.key=true
"""
CONSOLE_CONSUMER_IN_A_GROUP = r"""
devstack/bin/kafka-console-consumer --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" \
  --topic "${TOPIC_PREFIX}case-submitted" --group "${TOPIC_PREFIX}subscriber-portal" \
  --from-beginning --timeout-ms 10000
"""
COMMANDS = (
    READ_FROM_THE_START,
    DECODE_THE_ENVELOPE,
    FOLLOW_ONE_CASE,
    PIN_A_SCHEMA_VERSION,
    CONSOLE_CONSUMER,
    CONSOLE_CONSUMER_IN_A_GROUP,
)


def run(command: str, settings: ServiceSettings, case: str) -> str:
    """``command`` run by bash as a reader would type it, in the repository, ``case`` being the
    one to follow; its stdout."""
    environment = os.environ | {
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "TOPIC_PREFIX": settings.topic_prefix,
        "CASE": case,
    }
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"{command}\nexit {done.returncode}: {done.stderr}"
    return done.stdout


def require_kcat() -> None:
    # scripts/test.sh installs the Debian package; a bare machine may lack it.
    if shutil.which("kcat") is None:
        pytest.skip("kcat is not installed (Debian: apt-get install kcat)")


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def followed_topics() -> list[str]:
    """The topics FOLLOW_ONE_CASE reads, as its loop names them."""
    loop = FOLLOW_ONE_CASE.split(";", 1)[0].split(" in ", 1)[1]
    return loop.replace("\\", " ").split()
