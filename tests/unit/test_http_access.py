"""Officers' tokens and the access rules: who gets in, who is refused, and why (issue 12)."""

import importlib
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import APIRouter, FastAPI
from pydantic import ValidationError

from shared.auth import AuthSettings, InvalidToken, build_verifier, dev_signing_key, mint_token
from shared.http import HttpSettings, create_app
from shared.http.access import CurrentOfficer, officers, public, routes_of, undeclared
from shared.officers import Officer
from shared.officers import OfficerRole as R

SERVICES = ("intake", "workflow", "notify", "reporting")


def build_app(settings: HttpSettings | None = None) -> FastAPI:
    access = {
        ("GET", "/open"): public("under test"),
        ("POST", "/decisions"): officers(R.LEADER),
    }
    app = create_app(settings or HttpSettings(), title="t", access=access)

    @app.get("/open")
    async def open_route() -> dict[str, str]:
        return {"ok": "yes"}

    @app.post("/decisions")
    async def decide(who: CurrentOfficer) -> dict[str, Any]:
        return {"id": who.id, "agency": who.agency, "roles": sorted(who.roles)}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = build_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


def header(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def leader_token(**kw: Any) -> str:
    return mint_token("ld.hung", ["leader"], "SNV.NA", name="Lê Hùng", **kw)


async def test_a_valid_token_admits_the_officer_it_names(client: httpx.AsyncClient) -> None:
    response = await client.post("/decisions", headers=header(leader_token()))
    assert response.status_code == 200, response.text
    assert response.json() == {"id": "ld.hung", "agency": "SNV.NA", "roles": ["leader"]}


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "Cần mã xác thực"),
        ({"Authorization": "Basic bGQ6aHVuZw=="}, "Cần mã xác thực"),
        ({"Authorization": "Bearer "}, "Cần mã xác thực"),
        ({"Authorization": "Bearer not.a.token"}, "không hợp lệ"),
    ],
)
async def test_a_missing_or_malformed_token_is_401_with_a_challenge(
    client: httpx.AsyncClient, headers: dict[str, str], reason: str
) -> None:
    response = await client.post("/decisions", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    [error] = response.json()["detail"]
    assert error["field"] == "header.authorization" and reason in error["reason"]


def forged() -> str:
    """Right claims, signed by a key that is not the provider's."""
    other = ec.generate_private_key(ec.SECP256R1())
    return leader_token(key=other)


def unsigned() -> str:
    claims = jwt.decode(leader_token(), options={"verify_signature": False})
    return jwt.encode(claims, key=None, algorithm="none")


def hmac_with_public_key() -> str:
    """The algorithm-confusion attack: HS256 keyed with the (public) verification key."""
    claims = jwt.decode(leader_token(), options={"verify_signature": False})
    return jwt.encode(claims, "x" * 64, algorithm="HS256")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (forged, "không hợp lệ"),
        (unsigned, "không hợp lệ"),
        (hmac_with_public_key, "không hợp lệ"),
        (lambda: leader_token(ttl_s=-120), "hết hạn"),
        (lambda: leader_token(not_before_s=600), "chưa có hiệu lực"),
        (lambda: leader_token(settings=AuthSettings(auth_audience="other-api")), "không dành"),
        (lambda: leader_token(settings=AuthSettings(auth_issuer="https://evil/")), "không dành"),
    ],
)
async def test_forged_expired_or_foreign_tokens_are_401(
    client: httpx.AsyncClient, token: Any, reason: str
) -> None:
    response = await client.post("/decisions", headers=header(token()))
    assert response.status_code == 401, response.text
    assert reason in response.json()["detail"][0]["reason"]
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


async def test_claims_that_do_not_name_an_officer_are_401(client: httpx.AsyncClient) -> None:
    key = dev_signing_key()
    for claims in ({"roles": []}, {"roles": ["boss"]}, {"agency": "not an agency"}):
        token = leader_token()
        payload = jwt.decode(token, options={"verify_signature": False}) | claims
        bad = jwt.encode(payload, key, algorithm="ES256")
        response = await client.post("/decisions", headers=header(bad))
        assert response.status_code == 401, claims


async def test_a_role_the_rule_does_not_admit_is_403(client: httpx.AsyncClient) -> None:
    clerk = mint_token("tn.lan", ["reception_clerk"], "SNV.NA")
    response = await client.post("/decisions", headers=header(clerk))
    assert response.status_code == 403
    assert response.json()["detail"] == [
        {"field": "token.roles", "reason": "Chỉ Lãnh đạo được thực hiện"}
    ]


async def test_a_nested_routers_route_is_judged_by_its_full_path() -> None:
    inner, outer = APIRouter(), APIRouter(prefix="/cases")

    @inner.post("/{code}/decision")
    async def decide(code: str, who: CurrentOfficer) -> dict[str, str]:
        return {"code": code, "by": who.id}

    outer.include_router(inner)
    rules = {("POST", "/cases/{code}/decision"): officers(R.LEADER)}
    app = create_app(HttpSettings(), title="t", access=rules)
    app.include_router(outer)
    assert undeclared(app, app.state.access_rules) == []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.post("/cases/C-1/decision", headers=header(leader_token()))
        assert response.json() == {"code": "C-1", "by": "ld.hung"}
        clerk = mint_token("tn.lan", ["reception_clerk"], "SNV.NA")
        response = await http.post("/cases/C-1/decision", headers=header(clerk))
        assert response.status_code == 403


async def test_public_routes_need_no_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/open")).status_code == 200
    assert (await client.get("/healthz")).status_code == 200


async def test_an_app_with_an_undeclared_route_refuses_to_start() -> None:
    app = build_app()

    @app.get("/forgotten")
    async def forgotten() -> None:
        return None

    with pytest.raises(RuntimeError, match="/forgotten"):
        async with app.router.lifespan_context(app):
            pass


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_of_every_service_declares_its_rule(service: str) -> None:
    module = importlib.import_module(f"services.{service}.entrypoints.app")
    app = module.create_app()
    assert undeclared(app, app.state.access_rules) == []
    # No stale rule either: each names a route the service has.
    assert set(app.state.access_rules) <= set(routes_of(app))


def test_metrics_and_docs_can_be_closed_by_setting() -> None:
    closed = build_app(HttpSettings(http_expose_docs=False, http_expose_metrics=False))
    assert closed.openapi_url is None
    assert ("GET", "/docs") not in routes_of(closed)
    assert closed.state.access_rules[("GET", "/metrics")].roles == {R.ADMIN}


def test_production_refuses_the_development_key_and_issuer(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="AUTH_JWKS_URL"):
        AuthSettings(environment="production")
    jwks = {"auth_jwks_url": "https://sso.example.gov.vn/certs", "environment": "production"}
    with pytest.raises(ValidationError, match="development key"):
        AuthSettings(**jwks, auth_local_key_file=tmp_path / "k.pem", auth_issuer="https://sso/x")
    with pytest.raises(ValidationError, match="AUTH_ISSUER"):
        AuthSettings(**jwks)
    AuthSettings(**jwks, auth_issuer="https://sso.example.gov.vn/realms/nghean")


# --- a provider's JWKS, with key rotation ----------------------------------------------------


class Provider:
    """An identity provider's key set, served over real HTTP; ``rotate`` swaps the key."""

    def __init__(self) -> None:
        self.fetches = 0
        self.rotate()

    def rotate(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"k{self.fetches}-{id(self.key)}"

    def jwks(self) -> bytes:
        self.fetches += 1
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return json.dumps(
            {"keys": [jwk | {"kid": self.kid, "use": "sig", "alg": "RS256"}]}
        ).encode()

    def token(self, settings: AuthSettings) -> str:
        now = time.time()
        claims = {
            "iss": settings.auth_issuer,
            "aud": settings.auth_audience,
            "sub": "ld.hung",
            "roles": ["leader"],
            "agency": "SNV.NA",
            "iat": int(now),
            "nbf": int(now),
            "exp": int(now) + 300,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


@contextmanager
def serving(provider: Provider) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = provider.jwks()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/certs"
    finally:
        server.shutdown()
        server.server_close()


async def test_provider_keys_are_cached_and_a_rotated_key_is_fetched() -> None:
    provider = Provider()
    with serving(provider) as url:
        settings = AuthSettings(auth_jwks_url=url, auth_jwks_refresh_cooldown_s=0)
        verifier = build_verifier(settings)
        first = await verifier.verify(provider.token(settings))
        await verifier.verify(provider.token(settings))
        assert (first.id, provider.fetches) == ("ld.hung", 1)
        provider.rotate()
        assert (await verifier.verify(provider.token(settings))).roles == {R.LEADER}
        assert provider.fetches == 2
        # Our development key is no key of the provider's.
        with pytest.raises(InvalidToken):
            await verifier.verify(leader_token(settings=settings))


def test_an_officer_holds_roles_at_one_agency() -> None:
    officer = Officer(id="a", name="A", roles=frozenset({R.LEADER, R.MANAGER}), agency="SNV.NA")
    assert officer.acting_role({R.MANAGER, R.ADMIN}) is R.MANAGER
    assert officer.acting_role({R.SPECIALIST}) is None


PRODUCTION_AUTH = {
    "ENVIRONMENT": "production",
    "AUTH_JWKS_URL": "https://sso.example.gov.vn/certs",
    "AUTH_ISSUER": "https://sso.example.gov.vn/realms/nghean",
}


@pytest.mark.parametrize(
    ("connection", "refused"),
    [
        ({}, "KAFKA_SECURITY_PROTOCOL=PLAINTEXT"),
        (
            {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": "intake"},
            "MongoDB without credentials",
        ),
        (
            {
                "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "KAFKA_SASL_USERNAME": "intake",
                "MONGODB_URI": "mongodb://intake:pw@mongo:27017/?replicaSet=rs0",
            },
            None,
        ),
    ],
)
def test_production_refuses_to_reach_kafka_or_mongodb_as_nobody(
    monkeypatch: pytest.MonkeyPatch, connection: dict[str, str], refused: str | None
) -> None:
    for name, value in {**PRODUCTION_AUTH, "KAFKA_SASL_PASSWORD": "pw", **connection}.items():
        monkeypatch.setenv(name, value)
    if refused is None:
        HttpSettings()
        return
    with pytest.raises(ValidationError, match=refused):
        HttpSettings()
