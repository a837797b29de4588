"""docker-compose.yml is valid Compose and runs what the repository holds; no engine needed.

No Docker engine runs here, so these are the checks that can be made without one: the file against
the Compose Specification schema (as vendored by the check-jsonschema package), and every service it
builds against the repository.
"""

import importlib
import importlib.util
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from jsonschema import Draft202012Validator

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
BUILT = {name: spec for name, spec in SERVICES.items() if "build" in spec}
APP_MODULE = re.compile(r"^(services\.(\w+)\.entrypoints\.app):(\w+)$")


def compose_schema() -> dict[str, Any]:
    vendored = files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    return json.loads(vendored.read_text(encoding="utf-8"))


def app_path(spec: dict[str, Any]) -> str:
    """The ``module:attribute`` uvicorn is told to serve."""
    command = spec["command"]
    assert isinstance(command, list), "exec form, so no shell stands between Docker and uvicorn"
    assert command[0] == "uvicorn"
    return command[1]


def test_the_file_follows_the_compose_specification() -> None:
    errors = sorted(Draft202012Validator(compose_schema()).iter_errors(COMPOSE), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_schema_would_catch_a_mistake() -> None:
    broken = {"services": {"intake": {"image": "x", "depends_on": {"kafka": {"condition": "up"}}}}}
    assert not Draft202012Validator(compose_schema()).is_valid(broken)


def test_the_four_services_are_built_from_the_one_dockerfile() -> None:
    assert set(BUILT) == {"intake", "workflow", "notify", "reporting"}
    for spec in BUILT.values():
        assert spec["build"] == {"context": ".", "dockerfile": "Dockerfile"}
    assert (ROOT / "Dockerfile").is_file()


@pytest.mark.parametrize("name", sorted(BUILT))
def test_each_service_serves_its_own_app_from_the_repository(name: str) -> None:
    match = APP_MODULE.match(app_path(BUILT[name]))
    assert match, app_path(BUILT[name])
    module, folder, attribute = match.groups()
    assert folder == name
    assert (ROOT / "services" / folder).is_dir()
    assert isinstance(getattr(importlib.import_module(module), attribute), FastAPI)


def test_services_answer_on_ports_8001_to_8004() -> None:
    published = {name: spec["ports"] for name, spec in BUILT.items()}
    assert published == {
        "intake": ["8001:8000"],
        "workflow": ["8002:8000"],
        "notify": ["8003:8000"],
        "reporting": ["8004:8000"],
    }
    for spec in BUILT.values():
        assert "--port" in spec["command"]
        assert spec["command"][spec["command"].index("--port") + 1] == "8000"


def test_each_service_owns_its_database_and_reaches_the_shared_servers() -> None:
    environments = {name: spec["environment"] for name, spec in BUILT.items()}
    assert {name: env["MONGODB_DATABASE"] for name, env in environments.items()} == {
        name: name for name in BUILT
    }
    for env in environments.values():
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:29092"
        assert "mongodb://mongo:27017/?replicaSet=rs0" in env["MONGODB_URI"]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck(name: str) -> None:
    test = SERVICES[name]["healthcheck"]["test"]
    assert test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1


@pytest.mark.parametrize("name", sorted(BUILT))
def test_a_service_is_healthy_only_when_ready(name: str) -> None:
    assert SERVICES[name]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "shared.observability.probe",
        "/readyz",
    ]
    assert importlib.util.find_spec("shared.observability.probe") is not None


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_dependency_waits_for_health(name: str) -> None:
    depends_on = SERVICES[name].get("depends_on", {})
    assert isinstance(depends_on, dict), "the list form cannot wait for health"
    for dependency, condition in depends_on.items():
        assert dependency in SERVICES
        assert condition == {"condition": "service_healthy"}, (name, dependency)


def test_the_services_wait_for_kafka_and_mongodb() -> None:
    for spec in BUILT.values():
        assert set(spec["depends_on"]) == {"kafka", "mongo"}


def test_kafka_and_mongodb_are_the_official_images() -> None:
    kafka, mongo = SERVICES["kafka"]["image"], SERVICES["mongo"]["image"]
    assert kafka.startswith("apache/kafka:")
    version = tuple(int(part) for part in kafka.split(":")[1].split("."))
    assert version >= (4, 1, 0)
    assert mongo == "mongo:7"
    assert SERVICES["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_state_lives_in_declared_named_volumes() -> None:
    mounted = {
        volume.split(":")[0] for spec in SERVICES.values() for volume in spec.get("volumes", [])
    }
    assert mounted == {"kafka-data", "mongo-data"}
    assert mounted <= set(COMPOSE["volumes"])


def test_the_dockerfile_runs_as_a_non_root_user_with_a_healthcheck() -> None:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    healthchecks = [line for line in lines if line.startswith("HEALTHCHECK ")]
    assert bases and all(base == "python:3.11-slim" for base in bases)
    assert users and users[-1] not in {"root", "0"}
    assert len(healthchecks) == 1
    assert "shared.observability.probe" in "\n".join(lines)
