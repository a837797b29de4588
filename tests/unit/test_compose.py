"""docker-compose.yml is valid Compose and runs what the repository holds; no engine needed.

No Docker engine runs here, so these are the checks that can be made without one: the file against
the Compose Specification schema (as vendored by the check-jsonschema package), and every service it
builds against the repository.
"""

import importlib
import importlib.util
import json
import re
import subprocess
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from jsonschema import Draft202012Validator

from shared.events.catalogue import CATALOGUE

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
BUILT = {name: spec for name, spec in SERVICES.items() if "build" in spec}
# Jobs that run to completion before others start (storage formatting, ACLs); the rest stay up.
ONE_SHOT = {name for name, spec in SERVICES.items() if spec.get("restart") == "no"}
LONG_RUNNING = sorted(set(SERVICES) - ONE_SHOT)
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


def test_the_one_shot_jobs_are_kafkas_storage_format_and_acls() -> None:
    assert {"kafka-format", "kafka-acls"} == ONE_SHOT


@pytest.mark.parametrize("name", LONG_RUNNING)
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
        wanted = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
        assert condition == {"condition": wanted}, (name, dependency)


def test_the_services_wait_for_kafka_its_acls_and_mongodb() -> None:
    for spec in BUILT.values():
        assert set(spec["depends_on"]) == {"kafka", "kafka-acls", "mongo"}
    assert set(SERVICES["kafka"]["depends_on"]) == {"kafka-format"}


def test_kafka_and_mongodb_are_the_official_images() -> None:
    kafka, mongo = SERVICES["kafka"]["image"], SERVICES["mongo"]["image"]
    assert {SERVICES[job]["image"] for job in ONE_SHOT} == {kafka}
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
    # Pinned by digest (test_supply_chain checks the pin itself).
    assert bases and all(base.startswith("python:3.11-slim@sha256:") for base in bases)
    assert users and users[-1] not in {"root", "0"}
    assert len(healthchecks) == 1
    assert "shared.observability.probe" in "\n".join(lines)


# --- credentials -----------------------------------------------------------------------------

KAFKA_ENV = SERVICES["kafka"]["environment"]
DEPLOY = ROOT / "deploy"


def secret_targets(spec: dict[str, Any]) -> dict[str, str]:
    """Name in /run/secrets -> compose secret, for a service's ``secrets`` list."""
    found = {}
    for entry in spec.get("secrets", []):
        source = entry if isinstance(entry, str) else entry["source"]
        target = entry if isinstance(entry, str) else entry.get("target", source)
        found[target] = source
    return found


def shell_words(script: Path, variable: str) -> list[str]:
    """The words of ``VARIABLE="..."`` in a shell script."""
    match = re.search(rf'^{variable}="([^"]*)"$', script.read_text(encoding="utf-8"), re.M)
    assert match, f"{variable} not in {script}"
    return match.group(1).split()


def test_kafka_listeners_take_only_sasl_scram_and_requests_need_an_acl() -> None:
    protocols = dict(
        pair.split(":") for pair in KAFKA_ENV["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )
    assert protocols == {
        "INTERNAL": "SASL_PLAINTEXT",
        "EXTERNAL": "SASL_SSL",
        "CONTROLLER": "PLAINTEXT",
    }
    # The one plaintext listener is the node talking to itself: nobody else can reach it.
    assert "CONTROLLER://localhost:9093" in KAFKA_ENV["KAFKA_LISTENERS"].split(",")
    assert "CONTROLLER" not in KAFKA_ENV["KAFKA_ADVERTISED_LISTENERS"]
    assert SERVICES["kafka"]["ports"] == ["9092:9092"], "only the TLS listener is published"
    assert KAFKA_ENV["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert KAFKA_ENV["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert KAFKA_ENV["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert set(KAFKA_ENV["KAFKA_SUPER_USERS"].split(";")) == {
        "User:broker",
        "User:admin",
        "User:ANONYMOUS",
    }


def test_the_brokers_password_is_read_from_its_secret_file() -> None:
    login = KAFKA_ENV["KAFKA_LISTENER_NAME_INTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG"]
    # "$$" is compose's escape: the broker receives ${dir:...}, resolved by the config provider.
    assert 'password="$${dir:/run/secrets:kafka_broker_password}"' in login
    assert KAFKA_ENV["KAFKA_CONFIG_PROVIDERS_DIR_CLASS"].endswith("DirectoryConfigProvider")
    assert "kafka_broker_password" in secret_targets(SERVICES["kafka"])


@pytest.mark.parametrize("name", sorted(BUILT))
def test_each_service_logs_in_to_kafka_and_mongodb_as_itself(name: str) -> None:
    env = BUILT[name]["environment"]
    assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert env["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert env["KAFKA_SASL_USERNAME"] == env["MONGODB_USERNAME"] == name
    assert env["MONGODB_AUTH_SOURCE"] == "admin"
    # The settings read /run/secrets/<setting name> (shared/settings.py).
    targets = secret_targets(BUILT[name])
    # Notify also keys its delivery log's recipient hashes with a secret of its own.
    own = {"notify_hash_key": "notify_hash_key"} if name == "notify" else {}
    assert targets == {
        "kafka_sasl_password": f"{name}_kafka_password",
        "mongodb_password": f"{name}_mongodb_password",
        **own,
    }
    files = {source: COMPOSE["secrets"][source]["file"] for source in targets.values()}
    assert files == {
        f"{name}_kafka_password": f"./secrets/kafka_{name}_password",
        f"{name}_mongodb_password": f"./secrets/{name}_mongodb_password",
        **{source: f"./secrets/{source}" for source in own.values()},
    }
    # Production mode: no development key or default is taken.
    assert env["ENVIRONMENT"] == "production"


def test_no_credential_is_written_in_the_file() -> None:
    for name, secret in COMPOSE["secrets"].items():
        assert set(secret) == {"file"} and secret["file"].startswith("./secrets/"), name
    for name, spec in SERVICES.items():
        for key, value in spec.get("environment", {}).items():
            if re.search(r"PASSWORD|TOKEN|SECRET", key):
                # Unset (taken from the shell, e.g. SMTP_PASSWORD), or a file among the secrets.
                assert value is None or (
                    key.endswith("_FILE") and value.startswith("/run/secrets/")
                ), (name, key)
            assert not re.search(r"://[^/@\s]+:[^/@\s]+@", str(value)), "a login in a URI"


def test_the_acls_let_each_service_write_only_the_topics_the_catalogue_gives_it() -> None:
    script = DEPLOY / "kafka" / "acls.sh"
    owned = {service: set(shell_words(script, f"OWNS_{service}")) for service in BUILT}
    assert owned == {
        service: {spec.topic for spec in CATALOGUE if spec.producer == service} for service in BUILT
    }
    assert set(shell_words(script, "SERVICES")) == set(BUILT)


def test_every_principal_is_formatted_into_kafka_with_its_own_secret() -> None:
    users = shell_words(DEPLOY / "kafka" / "format-storage.sh", "USERS")
    assert set(users) == {"broker", "admin", "subscriber", *BUILT}
    assert set(secret_targets(SERVICES["kafka-format"])) == {f"kafka_{u}_password" for u in users}


def test_mongodb_runs_with_auth_and_one_user_per_service_database() -> None:
    mongo = SERVICES["mongo"]
    assert mongo["command"][:3] == ["mongod", "--replSet", "rs0"]
    assert "--keyFile" in mongo["command"], "authentication of a replica set needs a key file"
    assert mongo["environment"]["MONGO_INITDB_ROOT_PASSWORD_FILE"].startswith("/run/secrets/")
    mounted = {config["target"]: config["source"] for config in mongo["configs"]}
    init = COMPOSE["configs"][mounted["/docker-entrypoint-initdb.d/10-create-users.js"]]["file"]
    script = (ROOT / init).read_text(encoding="utf-8")
    listed = re.search(r"const SERVICES = \[([^\]]*)\]", script)
    assert listed and set(re.findall(r'"(\w+)"', listed.group(1))) == set(BUILT)
    assert 'roles: [{ role: "readWrite", db: service }]' in script
    assert {f"{service}_mongodb_password" for service in BUILT} <= set(secret_targets(mongo))


@pytest.mark.parametrize("name", sorted(COMPOSE["configs"]))
def test_the_scripts_compose_mounts_exist_and_parse(name: str) -> None:
    path = ROOT / COMPOSE["configs"][name]["file"]
    assert path.is_file()
    if path.suffix == ".sh":
        checked = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


# --- the production profile: three Kafka nodes, a three-member replica set -------------------

PRODUCTION = yaml.safe_load((DEPLOY / "production" / "compose.yml").read_text(encoding="utf-8"))
KAFKA_NODES = ("kafka", "kafka-2", "kafka-3")
MONGO_MEMBERS = ("mongo", "mongo-2", "mongo-3")
VOTERS = "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093"
# Compose replaces these lists when a later file sets them, and joins the others (ports, volumes,
# secrets, configs).
REPLACED_LISTS = {"command", "entrypoint", "test"}


def merged(base: Any, override: Any, key: str = "") -> Any:
    """``override`` over ``base``, as compose merges the files given to -f."""
    if isinstance(base, dict) and isinstance(override, dict):
        return {
            k: merged(base[k], override[k], k)
            if k in base and k in override
            else override.get(k, base.get(k))
            for k in base | override
        }
    if isinstance(base, list) and isinstance(override, list) and key not in REPLACED_LISTS:
        return base + [entry for entry in override if entry not in base]
    return override


PRODUCTION_SERVICES = {
    name: merged(SERVICES.get(name, {}), PRODUCTION["services"].get(name, {}))
    for name in SERVICES | PRODUCTION["services"]
}


def production_env(name: str) -> dict[str, Any]:
    return PRODUCTION_SERVICES[name]["environment"]


def test_the_production_file_follows_the_compose_specification() -> None:
    whole = merged(COMPOSE, PRODUCTION)
    errors = sorted(Draft202012Validator(compose_schema()).iter_errors(whole), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_production_runs_three_kafka_nodes_as_one_cluster() -> None:
    envs = [production_env(node) for node in KAFKA_NODES]
    assert [env["KAFKA_NODE_ID"] for env in envs] == [1, 2, 3]
    assert {env["KAFKA_PROCESS_ROLES"] for env in envs} == {"broker,controller"}
    assert {env["KAFKA_CONTROLLER_QUORUM_VOTERS"] for env in envs} == {VOTERS}
    assert len({env["CLUSTER_ID"] for env in envs}) == 1
    for node, env in zip(KAFKA_NODES, envs, strict=True):
        assert f"INTERNAL://{node}:29092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    data = [PRODUCTION_SERVICES[node]["volumes"] for node in KAFKA_NODES]
    assert data == [
        [f"{volume}:/var/lib/kafka/data"]
        for volume in ("kafka-data", "kafka-2-data", "kafka-3-data")
    ]
    published = [PRODUCTION_SERVICES[node]["ports"] for node in KAFKA_NODES]
    assert published == [["9092:9092"], ["9192:9092"], ["9292:9092"]]


def test_production_keeps_three_replicas_and_writes_to_two() -> None:
    for node in KAFKA_NODES:
        env = production_env(node)
        for setting in (
            "DEFAULT_REPLICATION_FACTOR",
            "OFFSETS_TOPIC_REPLICATION_FACTOR",
            "TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
            "SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR",
        ):
            assert env[f"KAFKA_{setting}"] == 3, (node, setting)
        for setting in ("MIN_INSYNC_REPLICAS", "TRANSACTION_STATE_LOG_MIN_ISR"):
            assert env[f"KAFKA_{setting}"] == 2, (node, setting)
        assert env["KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR"] == 2


def test_production_formats_each_nodes_storage_with_its_id() -> None:
    job = PRODUCTION_SERVICES["kafka-format"]
    assert job["environment"]["VOTERS"] == VOTERS
    script = " ".join(job["command"])
    assert "for node in 1 2 3" in script and "NODE_ID=$$node" in script
    mounted = dict(reversed(volume.split(":")) for volume in job["volumes"])
    for n, node in enumerate(KAFKA_NODES, start=1):
        (data,) = PRODUCTION_SERVICES[node]["volumes"]
        assert mounted[f"/var/lib/kafka/node-{n}"] == data.split(":")[0]


def test_production_controllers_log_in_to_each_other() -> None:
    for node in KAFKA_NODES:
        env = production_env(node)
        protocols = dict(
            pair.split(":") for pair in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
        )
        assert protocols["CONTROLLER"] == "SASL_PLAINTEXT", node
        assert "PLAINTEXT" not in protocols.values(), node
        assert "User:ANONYMOUS" not in env["KAFKA_SUPER_USERS"].split(";"), node
        login = env["KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG"]
        assert 'password="$${dir:/run/secrets:kafka_controller_password}"' in login
        assert "kafka_controller_password" in secret_targets(PRODUCTION_SERVICES[node])
    assert PRODUCTION["secrets"]["kafka_controller_password"] == {
        "file": "./secrets/kafka_controller_password"
    }
    assert "names+=(kafka_controller_password)" in (DEPLOY / "make-secrets.sh").read_text()


def test_production_runs_a_three_member_replica_set_with_key_file_auth() -> None:
    for member in MONGO_MEMBERS:
        spec = PRODUCTION_SERVICES[member]
        assert spec["image"] == "mongo:7"
        assert spec["command"][:3] == ["mongod", "--replSet", "rs0"]
        assert "--keyFile" in spec["command"], member
        assert "mongo_keyfile" in secret_targets(spec), member
    # Only the first member makes the users; the others copy them in their initial sync.
    assert [bool(PRODUCTION_SERVICES[m].get("environment")) for m in MONGO_MEMBERS] == [
        True,
        False,
        False,
    ]
    init = PRODUCTION_SERVICES["mongo-init"]
    assert init["restart"] == "no"
    assert set(init["depends_on"]) == set(MONGO_MEMBERS)
    script = ROOT / PRODUCTION["configs"]["mongo-replica-set"]["file"]
    listed = re.search(r"const MEMBERS = \[([^\]]*)\]", script.read_text(encoding="utf-8"))
    assert listed and re.findall(r'"([\w-]+:\d+)"', listed.group(1)) == [
        f"{member}:27017" for member in MONGO_MEMBERS
    ]
    assert "rs.initiate" not in str(PRODUCTION_SERVICES["mongo"]["healthcheck"])


@pytest.mark.parametrize("name", sorted(BUILT))
def test_production_services_list_every_member(name: str) -> None:
    env = production_env(name)
    assert env["KAFKA_BOOTSTRAP_SERVERS"].split(",") == [f"{n}:29092" for n in KAFKA_NODES]
    members = ",".join(f"{member}:27017" for member in MONGO_MEMBERS)
    assert f"mongodb://{members}/?replicaSet=rs0" in env["MONGODB_URI"]
    assert set(PRODUCTION_SERVICES[name]["depends_on"]) == {
        *KAFKA_NODES,
        "kafka-acls",
        *MONGO_MEMBERS[:1],
        "mongo-init",
    }
    acls = production_env("kafka-acls")["KAFKA_BOOTSTRAP_SERVERS"]
    assert acls == env["KAFKA_BOOTSTRAP_SERVERS"]


@pytest.mark.parametrize("name", sorted(PRODUCTION_SERVICES))
def test_in_production_every_dependency_waits_for_health(name: str) -> None:
    one_shot = {n for n, spec in PRODUCTION_SERVICES.items() if spec.get("restart") == "no"}
    assert one_shot == {"kafka-format", "kafka-acls", "mongo-init"}
    for dependency, condition in PRODUCTION_SERVICES[name].get("depends_on", {}).items():
        assert dependency in PRODUCTION_SERVICES
        wanted = "service_completed_successfully" if dependency in one_shot else "service_healthy"
        assert condition == {"condition": wanted}, (name, dependency)


def test_production_declares_the_volumes_and_scripts_it_mounts() -> None:
    mounted = {
        volume.split(":")[0]
        for spec in PRODUCTION_SERVICES.values()
        for volume in spec.get("volumes", [])
    }
    assert mounted <= set(COMPOSE["volumes"]) | set(PRODUCTION["volumes"])
    for config in PRODUCTION["configs"].values():
        assert (ROOT / config["file"]).is_file()
