"""What an external subscriber does, as the README shows it: read the topics with kcat (Debian
package) and with Kafka's console consumer (devstack/bin, same release as the broker), decode the
CloudEvents envelope, follow one case by key, keep one schema version, resume with a group.

The commands below are the README's ("Reading the topics"), run as they are with bash against the
local broker, on the catalogue's example events (one case's whole life) under the module's topic
prefix. ``tests/e2e/test_demo.py`` runs them on the demo's events, loaded as `scripts/run.sh` loads
them.
"""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from shared.events.catalogue import CATALOGUE
from shared.events.examples import example_event
from shared.kafka import EventProducer, ensure_topics
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# One minute apart, so that following the case has one right order to check.
EVENTS = [
    example_event(spec).model_copy(
        update={"time": example_event(spec).time + timedelta(minutes=minute)}
    )
    for minute, spec in enumerate(CATALOGUE)
]
CASE = EVENTS[0].subject
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


@pytest.fixture(scope="module")
async def published(settings: ServiceSettings) -> ServiceSettings:
    """Every example event (one case, submitted to rated) on the module's topics."""
    await ensure_topics(settings, CATALOGUE.topics, with_dead_letters=False)
    async with EventProducer(settings) as producer:
        for event in EVENTS:
            await producer.publish(event)
    return settings


def run(command: str, settings: ServiceSettings, case: str = CASE) -> str:
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


@pytest.fixture(scope="module")
def kcat() -> None:
    require_kcat()


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def followed_topics() -> list[str]:
    """The topics FOLLOW_ONE_CASE reads, as its loop names them."""
    loop = FOLLOW_ONE_CASE.split(";", 1)[0].split(" in ", 1)[1]
    return loop.replace("\\", " ").split()


@pytest.mark.usefixtures("kcat")
def test_kcat_reads_a_topic_from_the_start_key_and_cloudevent(published: ServiceSettings) -> None:
    [line] = lines(run(READ_FROM_THE_START, published))
    key, value = line.split("\t", 1)
    assert key == CASE
    assert json.loads(value) == json.loads(EVENTS[0].model_dump_json())


@pytest.mark.usefixtures("kcat")
def test_jq_decodes_the_envelope(published: ServiceSettings) -> None:
    [line] = lines(run(DECODE_THE_ENVELOPE, published))
    submitted = EVENTS[0]
    assert json.loads(line) == {
        "id": str(submitted.id),
        "type": "vn.onestop.case-submitted.v1",
        "subject": CASE,
        "time": json.loads(submitted.model_dump_json())["time"],
        "procedure": submitted.data.procedure_code,
        "agency": submitted.data.agency_code,
    }


@pytest.mark.usefixtures("kcat")
def test_one_case_is_followed_across_the_topics_in_time_order(published: ServiceSettings) -> None:
    followed = [json.loads(line) for line in lines(run(FOLLOW_ONE_CASE, published))]
    topics = followed_topics()
    expected = sorted(
        (e for e in EVENTS if CATALOGUE.by_type(e.type).topic in topics),  # type: ignore[union-attr]
        key=lambda e: e.time,
    )
    assert [f["type"] for f in followed] == [e.type for e in expected]
    assert len(followed) == len(topics)


@pytest.mark.usefixtures("kcat")
def test_a_subscriber_keeps_only_the_schema_version_it_knows(published: ServiceSettings) -> None:
    [line] = lines(run(PIN_A_SCHEMA_VERSION, published))
    assert json.loads(line)["case_code"] == CASE


def test_the_console_consumer_prints_key_and_event(published: ServiceSettings) -> None:
    [line] = lines(run(CONSOLE_CONSUMER, published))
    key, value = line.split("\t", 1)
    assert key == CASE
    assert json.loads(value)["id"] == str(EVENTS[0].id)


def test_a_group_resumes_where_it_stopped(published: ServiceSettings) -> None:
    first = lines(run(CONSOLE_CONSUMER_IN_A_GROUP, published))
    assert [json.loads(line)["id"] for line in first] == [str(EVENTS[0].id)]
    assert lines(run(CONSOLE_CONSUMER_IN_A_GROUP, published)) == [], "nothing new since"


def test_the_readme_shows_these_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [command.strip() for command in COMMANDS if command.strip() not in readme]
    assert not missing, "README.md, section 'Reading the topics', lacks:\n" + "\n".join(missing)
