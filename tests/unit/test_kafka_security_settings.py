"""Kafka and MongoDB credentials come from the environment and reach every client the same way."""

import ssl
from pathlib import Path

import certifi
import pytest
from pydantic import ValidationError

from services.intake.settings import IntakeSettings
from services.notify.settings import NotifySettings
from services.workflow.settings import WorkflowSettings
from shared.kafka.connection import client_options
from shared.mongo.client import credentials
from shared.settings import ServiceSettings

pytestmark = pytest.mark.unit

SECURITY_VARIABLES = (
    "KAFKA_BOOTSTRAP_SERVERS",
    "KAFKA_SECURITY_PROTOCOL",
    "KAFKA_SASL_MECHANISM",
    "KAFKA_SASL_USERNAME",
    "KAFKA_SASL_PASSWORD",
    "KAFKA_SSL_CAFILE",
    "KAFKA_SSL_CERTFILE",
    "KAFKA_SSL_KEYFILE",
    "KAFKA_SSL_KEY_PASSWORD",
    "KAFKA_SSL_CHECK_HOSTNAME",
    "MONGODB_USERNAME",
    "MONGODB_PASSWORD",
    "MONGODB_AUTH_SOURCE",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the developer's shell exports must not decide these tests."""
    for name in SECURITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_by_default_clients_connect_in_plaintext_without_credentials() -> None:
    assert client_options(ServiceSettings()) == {
        "bootstrap_servers": "127.0.0.1:19092",
        "security_protocol": "PLAINTEXT",
    }
    assert credentials(ServiceSettings()) == {}


def test_scram_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:29092")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "intake")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "s3cret")
    settings = ServiceSettings()
    assert client_options(settings) == {
        "bootstrap_servers": "kafka:29092",
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "intake",
        "sasl_plain_password": "s3cret",
    }
    assert "s3cret" not in repr(settings), "the password stays out of logs and tracebacks"


def test_sasl_over_tls_checks_the_brokers_against_the_given_ca(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "reporting")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "pw")
    monkeypatch.setenv("KAFKA_SSL_CAFILE", certifi.where())
    options = client_options(ServiceSettings())
    assert options["sasl_mechanism"] == "SCRAM-SHA-256"
    context = options["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.get_ca_certs(), "the CA file was loaded"


def test_hostname_check_can_be_turned_off_but_not_verification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SSL")
    monkeypatch.setenv("KAFKA_SSL_CHECK_HOSTNAME", "false")
    context = client_options(ServiceSettings())["ssl_context"]
    assert not context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED


def test_a_missing_ca_file_fails_when_the_client_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SSL")
    monkeypatch.setenv("KAFKA_SSL_CAFILE", "/nonexistent/ca.pem")
    with pytest.raises(FileNotFoundError):
        client_options(ServiceSettings())


@pytest.mark.parametrize(
    ("environment", "complaint"),
    [
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "needs KAFKA_SASL_USERNAME"),
        (
            {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_USERNAME": "intake"},
            "needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD",
        ),
        ({"KAFKA_SASL_USERNAME": "intake", "KAFKA_SASL_PASSWORD": "pw"}, "sends no credentials"),
        ({"KAFKA_SSL_CAFILE": "/etc/ssl/ca.pem"}, "does not use TLS"),
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SCRAM"}, "kafka_security_protocol"),
        ({"KAFKA_SASL_MECHANISM": "GSSAPI"}, "kafka_sasl_mechanism"),
        ({"MONGODB_USERNAME": "intake"}, "MONGODB_USERNAME and MONGODB_PASSWORD go together"),
    ],
)
def test_settings_that_cannot_work_are_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], complaint: str
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=complaint):
        ServiceSettings()


def test_mongodb_user_given_apart_from_the_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_USERNAME", "workflow")
    monkeypatch.setenv("MONGODB_PASSWORD", "p@ss:word/")
    monkeypatch.setenv("MONGODB_AUTH_SOURCE", "admin")
    assert credentials(ServiceSettings()) == {
        "username": "workflow",
        "password": "p@ss:word/",
        "authSource": "admin",
    }


def test_passwords_can_come_from_secret_files(tmp_path: Path) -> None:
    """As compose and Kubernetes mount them: one file per setting, named after it."""
    (tmp_path / "kafka_sasl_password").write_text("from-a-file\n")
    (tmp_path / "mongodb_password").write_text("also-a-file")
    settings = ServiceSettings(
        _secrets_dir=tmp_path,  # type: ignore[call-arg]
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="notify",
        mongodb_username="notify",
    )
    assert settings.kafka_sasl_password is not None
    assert settings.kafka_sasl_password.get_secret_value() == "from-a-file"
    assert credentials(settings)["password"] == "also-a-file"


def test_every_services_settings_read_the_mounted_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings classes that mix in others (auth, rate limits) still read /run/secrets."""
    (tmp_path / "kafka_sasl_password").write_text("mounted")
    monkeypatch.setattr("shared.settings.SECRETS_DIR", tmp_path)
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "svc")
    for settings_type in (IntakeSettings, WorkflowSettings, NotifySettings):
        password = settings_type().kafka_sasl_password
        assert password is not None and password.get_secret_value() == "mounted", settings_type
