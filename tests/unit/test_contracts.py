"""The published contracts: committed files match the models, and validate against the standards."""

import json
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from shared.events.catalogue import CATALOGUE
from shared.events.codec import encode
from shared.events.examples import example_event
from shared.events.generate import CONTRACTS, differences, generated, write
from shared.events.registry import EventSpec
from shared.kafka.records import record_for

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
ASYNCAPI_SPECS = "@asyncapi/specs@6.11.1"
SPEC_MEMBER = "package/schemas/3.0.0.json"
SPECS = list(CATALOGUE)


def official_asyncapi_schema(cache: Path = ROOT / ".cache" / "npm") -> dict[str, Any]:
    """AsyncAPI 3.0.0's JSON Schema from the official npm package; downloads once, then reuses."""
    extracted = cache / "asyncapi-specs-6.11.1" / "3.0.0.json"
    if not extracted.is_file():
        tarball = cache / "asyncapi-specs-6.11.1.tgz"
        if not tarball.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["npm", "pack", ASYNCAPI_SPECS, "--pack-destination", str(cache)],
                check=True,
                capture_output=True,
            )
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(SPEC_MEMBER)
            assert member is not None, f"{SPEC_MEMBER} missing from {tarball}"
            extracted.parent.mkdir(parents=True, exist_ok=True)
            partial = extracted.with_suffix(".part")
            partial.write_bytes(member.read())
            partial.replace(extracted)
    return json.loads(extracted.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def asyncapi_validator() -> Draft7Validator:
    schema = official_asyncapi_schema()
    # The definitions carry their own $id (http://asyncapi.com/...): crawling registers them so
    # every $ref resolves locally, never over the network.
    resource = Resource.from_contents(schema, default_specification=DRAFT7)
    registry = Registry().with_resource(schema["$id"], resource).crawl()
    return Draft7Validator(schema, registry=registry)


@pytest.fixture(scope="module")
def asyncapi() -> dict[str, Any]:
    return yaml.safe_load((CONTRACTS / "asyncapi.yaml").read_text(encoding="utf-8"))


def schema_of(spec: EventSpec) -> dict[str, Any]:
    return json.loads((CONTRACTS / "schemas" / f"{spec.topic}.v{spec.version}.json").read_text())


def validator_of(spec: EventSpec) -> Draft202012Validator:
    return Draft202012Validator(schema_of(spec), format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_committed_contracts_match_the_models() -> None:
    assert differences() == [], "contracts drifted: run python -m shared.events.generate"


def test_drift_is_reported_file_by_file(tmp_path: Path) -> None:
    shutil.copytree(CONTRACTS, tmp_path, dirs_exist_ok=True)
    (tmp_path / "schemas" / "case-rated.v1.json").write_text("{}\n")
    (tmp_path / "schemas" / "case-resolved.v1.json").unlink()
    (tmp_path / "schemas" / "case-closed.v1.json").write_text("{}\n")

    assert differences(tmp_path) == [
        "schemas/case-rated.v1.json",
        "schemas/case-resolved.v1.json",
        "schemas/case-closed.v1.json",
    ]
    write(tmp_path)
    assert differences(tmp_path) == []


def test_generation_is_deterministic() -> None:
    assert generated() == generated()


def test_asyncapi_document_is_valid_asyncapi_3(
    asyncapi_validator: Draft7Validator, asyncapi: dict[str, Any]
) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in asyncapi_validator.iter_errors(asyncapi)]
    assert errors == []


def test_the_official_schema_catches_a_broken_document(
    asyncapi_validator: Draft7Validator, asyncapi: dict[str, Any]
) -> None:
    broken = json.loads(json.dumps(asyncapi))
    broken["operations"]["workflow.send.case-resolved.v1"]["action"] = "publish"
    # Only reachable through $refs into the Kafka binding's own schema.
    broken["channels"]["case-rated"]["bindings"]["kafka"]["partition"] = 3

    paths = {error.json_path for error in asyncapi_validator.iter_errors(broken)}

    assert paths == {"$.operations['workflow.send.case-resolved.v1']", "$.channels['case-rated']"}


def test_every_topic_is_a_channel_published_by_its_producer(asyncapi: dict[str, Any]) -> None:
    assert set(asyncapi["channels"]) == set(CATALOGUE.topics)
    sends = {
        (op["tags"][0]["name"], op["channel"]["$ref"].removeprefix("#/channels/"))
        for op in asyncapi["operations"].values()
        if op["action"] == "send"
    }
    assert sends == {(spec.producer, spec.topic) for spec in SPECS}


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.topic)
def test_each_message_points_at_its_schema_and_states_its_personal_data(
    asyncapi: dict[str, Any], spec: EventSpec
) -> None:
    message = asyncapi["components"]["messages"][f"{spec.topic}.v{spec.version}"]
    schema_file = CONTRACTS / message["payload"]["schema"]["$ref"]

    assert json.loads(schema_file.read_text())["$id"] == spec.dataschema
    assert message["x-personal-data"] == [f"data.{path}" for path in spec.personal_data]
    assert ("personal data" in message["description"]) and spec.topic in asyncapi["info"][
        "description"
    ]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.topic)
def test_each_json_schema_is_valid_and_accepts_an_encoded_event(spec: EventSpec) -> None:
    Draft202012Validator.check_schema(schema_of(spec))
    event = json.loads(encode(example_event(spec)))

    assert list(validator_of(spec).iter_errors(event)) == []


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.topic)
def test_each_json_schema_rejects_a_bad_event(spec: EventSpec) -> None:
    event = json.loads(encode(example_event(spec)))
    wrong_type = event | {"type": "vn.onestop.other.v1"}
    no_case = event | {"data": {k: v for k, v in event["data"].items() if k != "case_code"}}
    extra = event | {"data": event["data"] | {"note": "x"}}

    for bad in (wrong_type, no_case, extra, event | {"id": "7"}):
        assert not validator_of(spec).is_valid(bad)


@pytest.mark.parametrize(
    ("topic", "field", "value"),
    [
        ("payment-approved", "amount_vnd", 1.5),
        ("payment-approved", "amount_vnd", "1400000"),
        ("payment-approved", "period", {"start": None, "end": None, "label": None}),
        ("payment-approved", "period", {"start": "2025-01-01", "end": None, "label": "Năm"}),
        ("case-rated", "total_points", 19),
        ("supplement-requested", "applicant", {"full_name": "An", "phone": "0912345678"}),
    ],
)
def test_json_schemas_reject_what_the_models_reject(topic: str, field: str, value: Any) -> None:
    (spec,) = CATALOGUE.for_topic(topic)
    event = json.loads(encode(example_event(spec)))
    event["data"][field] = value

    assert not validator_of(spec).is_valid(event)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.topic)
def test_documented_headers_and_key_are_what_the_producer_writes(
    asyncapi: dict[str, Any], spec: EventSpec
) -> None:
    message = asyncapi["components"]["messages"][f"{spec.topic}.v{spec.version}"]
    record = record_for(example_event(spec))
    headers = {name: value.decode() for name, value in record.headers}

    assert list(Draft7Validator(message["headers"]).iter_errors(headers)) == []
    assert Draft7Validator(message["bindings"]["kafka"]["key"]).is_valid(record.key)
    assert message["examples"][0]["payload"] == json.loads(record.value)
