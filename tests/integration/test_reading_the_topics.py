"""What an external subscriber does, as the README shows it: read the topics with kcat (Debian
package) and with Kafka's console consumer (devstack/bin, same release as the broker), decode the
CloudEvents envelope, follow one case by key, keep one schema version, resume with a group.

The commands are the README's ("Reading the topics", kept in ``tests/readme_commands.py``), run as
they are with bash against the local broker, on the catalogue's example events (one case's whole
life) under the module's topic prefix. ``tests/e2e/test_demo.py`` runs them on the demo's events,
loaded as `scripts/run.sh` loads them.
"""

import json
from datetime import timedelta

import pytest

from shared.events.catalogue import CATALOGUE
from shared.events.examples import example_event
from shared.kafka import EventProducer, ensure_topics
from shared.settings import ServiceSettings
from tests.readme_commands import (
    COMMANDS,
    CONSOLE_CONSUMER,
    CONSOLE_CONSUMER_IN_A_GROUP,
    DECODE_THE_ENVELOPE,
    FOLLOW_ONE_CASE,
    PIN_A_SCHEMA_VERSION,
    READ_FROM_THE_START,
    ROOT,
    followed_topics,
    lines,
    require_kcat,
    run,
)

pytestmark = pytest.mark.integration

# One minute apart, so that following the case has one right order to check.
EVENTS = [
    example_event(spec).model_copy(
        update={"time": example_event(spec).time + timedelta(minutes=minute)}
    )
    for minute, spec in enumerate(CATALOGUE)
]
CASE = EVENTS[0].subject


@pytest.fixture(scope="module")
async def published(settings: ServiceSettings) -> ServiceSettings:
    """Every example event (one case, submitted to rated) on the module's topics."""
    await ensure_topics(settings, CATALOGUE.topics, with_dead_letters=False)
    async with EventProducer(settings) as producer:
        for event in EVENTS:
            await producer.publish(event)
    return settings


@pytest.fixture(scope="module")
def kcat() -> None:
    require_kcat()


@pytest.mark.usefixtures("kcat")
def test_kcat_reads_a_topic_from_the_start_key_and_cloudevent(published: ServiceSettings) -> None:
    [line] = lines(run(READ_FROM_THE_START, published, CASE))
    key, value = line.split("\t", 1)
    assert key == CASE
    assert json.loads(value) == json.loads(EVENTS[0].model_dump_json())


@pytest.mark.usefixtures("kcat")
def test_jq_decodes_the_envelope(published: ServiceSettings) -> None:
    [line] = lines(run(DECODE_THE_ENVELOPE, published, CASE))
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
    followed = [json.loads(line) for line in lines(run(FOLLOW_ONE_CASE, published, CASE))]
    topics = followed_topics()
    expected = sorted(
        (e for e in EVENTS if CATALOGUE.by_type(e.type).topic in topics),  # type: ignore[union-attr]
        key=lambda e: e.time,
    )
    assert [f["type"] for f in followed] == [e.type for e in expected]
    assert len(followed) == len(topics)


@pytest.mark.usefixtures("kcat")
def test_a_subscriber_keeps_only_the_schema_version_it_knows(published: ServiceSettings) -> None:
    [line] = lines(run(PIN_A_SCHEMA_VERSION, published, CASE))
    assert json.loads(line)["case_code"] == CASE


def test_the_console_consumer_prints_key_and_event(published: ServiceSettings) -> None:
    [line] = lines(run(CONSOLE_CONSUMER, published, CASE))
    key, value = line.split("\t", 1)
    assert key == CASE
    assert json.loads(value)["id"] == str(EVENTS[0].id)


def test_a_group_resumes_where_it_stopped(published: ServiceSettings) -> None:
    first = lines(run(CONSOLE_CONSUMER_IN_A_GROUP, published, CASE))
    assert [json.loads(line)["id"] for line in first] == [str(EVENTS[0].id)]
    assert lines(run(CONSOLE_CONSUMER_IN_A_GROUP, published, CASE)) == [], "nothing new since"


def test_the_readme_shows_these_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [command.strip() for command in COMMANDS if command.strip() not in readme]
    assert not missing, "README.md, section 'Reading the topics', lacks:\n" + "\n".join(missing)
