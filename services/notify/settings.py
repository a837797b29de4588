"""Settings of the notify service, read from its environment."""

import re
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator

from services.notify.adapters.zns_templates import ZNS_TEMPLATES_FILE
from services.notify.domain.privacy import DEVELOPMENT_KEY
from services.notify.domain.senders import check_brandname
from services.notify.domain.sms import SmsMode
from shared.events.values import AGENCY_CODE_PATTERN
from shared.http import HttpSettings

# Every SMS ends with the lookup link (LOOKUP_URL?ma=<case code>); the templates are measured to
# fit their segments with an address this long (tests/unit/test_notify_sms_fit.py).
LOOKUP_URL_MAX_CHARS = 40

# The JSON body sent to the SMS gateway. String values that are exactly a placeholder are replaced:
# {to} phone number, {text} message, {sender} brand name, {unicode} true/false, {unicode_flag} 1/0,
# {encoding} "gsm7"/"ucs2", {segments} count, {reference} delivery id (the gateway's dedup key).
DEFAULT_SMS_BODY: dict[str, Any] = {
    "to": "{to}",
    "text": "{text}",
    "sender": "{sender}",
    "unicode": "{unicode}",
    "reference": "{reference}",
}


class NotifySettings(HttpSettings):
    service_name: str = "notify"
    mongodb_database: str = "notify"

    # E-mail over SMTP.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=2525, gt=0, lt=65536)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_s: float = Field(default=10.0, gt=0)
    mail_from_address: str = "motcua@onestop.local"
    mail_from_name: str = "Bộ phận Một cửa"
    # Domain of the stable Message-ID of each delivery.
    mail_message_id_domain: str = "notify.onestop.local"

    # SMS through an HTTP gateway.
    sms_gateway_url: str = "http://127.0.0.1:8025/sms"
    sms_gateway_token: SecretStr | None = None
    sms_gateway_auth_header: str = "Authorization"
    sms_gateway_auth_scheme: str = "Bearer"
    sms_gateway_body: dict[str, Any] = Field(default_factory=lambda: dict(DEFAULT_SMS_BODY))
    sms_gateway_timeout_s: float = Field(default=10.0, gt=0)
    # HTTP header carrying the delivery reference as an idempotency key (empty: none), so a
    # gateway that honours it drops a repeat of one send; {reference} in the body says the same.
    sms_gateway_idempotency_header: str = "Idempotency-Key"
    # The default brandname, and each agency's own (JSON: {"SNV": "SONOIVU NA"}); an agency code
    # without one takes its dotted parent's ("SNV.NA" -> "SNV"), else the default.
    sms_sender: str = "MOTCUA"
    sms_senders: dict[str, str] = Field(default_factory=dict)
    # Unaccented GSM-7 (160 a segment, cheaper) or Unicode with diacritics (UCS-2, 70).
    sms_mode: SmsMode = SmsMode.UNACCENTED

    # Zalo messages through ZNS (its template API), with the Official Account's access token.
    # Zalo issues one for 25 hours: either set it here and renew it from outside, or give the
    # app's id and secret and the refresh token of the OA's authorisation, and the service
    # refreshes the pair itself (kept in its store, shared by its replicas). Without a token ZNS
    # refuses every message, and citizens who chose Zalo alone get the SMS instead.
    zns_api_url: str = "http://127.0.0.1:8025/zns"
    zns_access_token: SecretStr | None = None
    zns_app_id: str | None = None
    zns_app_secret: SecretStr | None = None
    zns_refresh_token: SecretStr | None = None
    zns_oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    zns_timeout_s: float = Field(default=10.0, gt=0)
    # Event -> registered template id and its parameters (checked at startup).
    zns_templates_file: Path = ZNS_TEMPLATES_FILE

    # What the templates say about the office.
    office_name: str = "Bộ phận Một cửa"
    lookup_url: str = Field(
        default="http://127.0.0.1:8001/tra-cuu", min_length=1, max_length=LOOKUP_URL_MAX_CHARS
    )

    # Provider retries: attempts in all, then the message is dead.
    notify_max_attempts: int = Field(default=6, ge=1)
    notify_backoff_initial_s: float = Field(default=2.0, gt=0)
    notify_backoff_max_s: float = Field(default=300.0, gt=0)
    # How often the dispatcher looks for due messages (it is also woken after each commit).
    notify_poll_interval_s: float = Field(default=1.0, gt=0)
    # A claimed message not finished within this (its sender crashed) is taken up again; three
    # times the providers' timeouts, so a send still in flight is never taken over.
    notify_claim_lease_s: float = Field(default=30.0, gt=0)
    # Sends one replica's dispatcher has in flight (e-mail goes one at a time per connection).
    notify_dispatch_concurrency: int = Field(default=4, ge=1)

    # Retention: the delivery log (masked recipient, template, parameters' hash, attempts) and,
    # much shorter, the messages themselves (address, text): an officer can resend while it is kept.
    # Bounded so that no date computed from them can leave the calendar.
    notify_log_retention_days: int = Field(default=365, ge=1, le=36_500)
    notify_message_retention_days: int = Field(default=30, ge=1, le=3_650)
    # The key of the log's hashes (recipients, parameters): HMAC-SHA-256. The development default
    # is refused in production, where anyone who read the code could compute the hashes.
    notify_hash_key: SecretStr = SecretStr(DEVELOPMENT_KEY)

    @field_validator("sms_sender")
    @classmethod
    def _brandname(cls, value: str) -> str:
        return check_brandname(value)

    @field_validator("sms_senders")
    @classmethod
    def _brandnames(cls, value: dict[str, str]) -> dict[str, str]:
        for agency, name in value.items():
            if not re.match(AGENCY_CODE_PATTERN, agency):
                raise ValueError(f"{agency!r} is no agency code")
            check_brandname(name)
        return value

    @model_validator(mode="after")
    def _zalo_refresh_is_whole(self) -> Self:
        given = [self.zns_app_id, self.zns_app_secret, self.zns_refresh_token]
        if any(given) and not all(given):
            raise ValueError(
                "ZNS_APP_ID, ZNS_APP_SECRET and ZNS_REFRESH_TOKEN go together (the service "
                "refreshes the Zalo OA token with all three)"
            )
        return self

    @property
    def zns_refreshes(self) -> bool:
        return self.zns_app_id is not None

    @model_validator(mode="after")
    def _no_development_key_in_production(self) -> Self:
        key = self.notify_hash_key.get_secret_value()
        # ``environment`` (development/production) comes with the officers' authentication.
        production = str(getattr(self, "environment", "development")) == "production"
        if production and key == DEVELOPMENT_KEY:
            raise ValueError("NOTIFY_HASH_KEY is the development default; set a secret of its own")
        if len(key) < 16:
            raise ValueError("NOTIFY_HASH_KEY must be at least 16 characters")
        return self
