"""Settings of notify that are refused at start rather than failing a message later."""

import pytest
from pydantic import ValidationError

from services.notify.domain.privacy import DEVELOPMENT_KEY
from services.notify.domain.senders import SenderNames
from services.notify.settings import NotifySettings

pytestmark = pytest.mark.unit


def test_agencies_brandnames_are_checked_and_a_child_agency_takes_its_parent_s() -> None:
    settings = NotifySettings(sms_senders={"SNV": "SONOIVU NA", "TCH.DAIDONG": "XA DAIDONG"})
    names = SenderNames(settings.sms_senders)
    assert names.for_agency("SNV.NA") == "SONOIVU NA"
    assert names.for_agency("TCH.DAIDONG") == "XA DAIDONG"
    assert names.for_agency("TCH") is None  # the gateway's default


@pytest.mark.parametrize(
    "senders",
    [{"SNV": "SO NOI VU NGHE AN"}, {"SNV": "SỞ NỘI VỤ"}, {"snv": "SONOIVU"}, {"SNV": ""}],
)
def test_a_brandname_no_carrier_would_take_is_refused(senders: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        NotifySettings(sms_senders=senders)


def test_the_development_hash_key_is_refused_in_production() -> None:
    assert NotifySettings().notify_hash_key.get_secret_value() == DEVELOPMENT_KEY
    production = {
        "environment": "production",
        "auth_jwks_url": "https://sso.example.gov.vn/certs",
        "auth_issuer": "https://sso.example.gov.vn",
        # Production also refuses Kafka and MongoDB without credentials (shared/http/settings.py).
        "kafka_security_protocol": "SASL_SSL",
        "kafka_sasl_username": "notify",
        "kafka_sasl_password": "kafka-secret",
        "mongodb_username": "notify",
        "mongodb_password": "mongo-secret",
    }
    with pytest.raises(ValidationError, match="NOTIFY_HASH_KEY"):
        NotifySettings.model_validate(production)
    chosen = NotifySettings.model_validate({**production, "notify_hash_key": "x" * 32})
    assert chosen.notify_hash_key.get_secret_value() == "x" * 32


@pytest.mark.parametrize(
    "bad",
    [
        {"notify_hash_key": "short"},
        {"notify_message_retention_days": 3_000_000},
        {"lookup_url": "https://dichvucong.nghean.gov.vn/tra-cuu-ho-so"},
    ],
)
def test_values_that_would_break_messages_or_dates_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        NotifySettings.model_validate(bad)


@pytest.mark.parametrize(
    "given",
    [
        {"zns_app_id": "4312"},
        {"zns_app_id": "4312", "zns_app_secret": "s"},
        {"zns_refresh_token": "rt"},
    ],
)
def test_the_zalo_refresh_needs_the_app_id_secret_and_refresh_token_together(
    given: dict[str, str],
) -> None:
    with pytest.raises(ValidationError, match="go together"):
        NotifySettings.model_validate(given)
    whole = {"zns_app_id": "4312", "zns_app_secret": "s", "zns_refresh_token": "rt"}
    assert NotifySettings.model_validate(whole).zns_refreshes
    assert not NotifySettings().zns_refreshes
