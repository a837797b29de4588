"""The OpenAPI document as the services really answer.

FastAPI documents a 422 body (``loc``, ``msg``, ``type``) that the services never send, and knows
nothing of what the shared plumbing answers around the routes. ``install_openapi`` makes each
service's document tell the truth:

- every 4xx/5xx carries the one error body, ``{"detail": [{"field", "reason"}]}`` (``ErrorBody``);
- operations that need an officer carry the bearer-token security scheme (HTTP bearer, JWT), the
  roles admitted in their description, and the 401 (with ``WWW-Authenticate``) and 403 they answer;
- operations with a body answer 400 (unparsable body) and 413 (body over the size limit);
- officers' write operations answer 409 when concurrent changes keep colliding (``Retry-After``);
- every operation but the probes answers 503 when the database cannot be reached (``Retry-After``).

What only a route knows (its 404, the 409 of its state machine, its 429) it declares itself with
``refusals``; the rules of who may call what come from ``app.state.access_rules``.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI
from pydantic import BeforeValidator

from shared.http.access import Rule
from shared.http.errors import ErrorBody
from shared.officers import role_names

SECURITY_SCHEME = "OfficerToken"
ERROR_REF = "#/components/schemas/ErrorBody"
JSON = "application/json"
# FastAPI's stock 422 body, which no service sends.
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
_WRITES = frozenset({"post", "put", "patch", "delete"})
_METHODS = frozenset({"get", "head", "options", "trace", *_WRITES})
# The shared probes describe their own answers (see ``shared.http.probes``).
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})

DESCRIPTIONS = {
    400: "The body could not be parsed (e.g. JSON nested too deeply).",
    401: (
        "No valid officer token: missing, malformed, forged, expired, not yet valid, or issued "
        "by another provider or for another audience. `WWW-Authenticate` says which."
    ),
    403: "The token's roles or agency do not allow this.",
    404: "Not found.",
    409: "The current state does not allow this.",
    413: "The body is over the service's size limit (`HTTP_MAX_BODY_BYTES`); nothing was read.",
    422: "Invalid input: each entry names a field (e.g. `body.applicant.phone`) and why.",
    429: "Too many requests; `Retry-After` says how many seconds to wait.",
    503: "The database cannot be reached; nothing was stored. Try again after `Retry-After`.",
}
_CONCURRENT = (
    "Concurrent changes of the same record kept colliding; nothing was stored. "
    "Try again after `Retry-After`."
)


def _header(description: str, *, required: bool, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": schema}


_SECONDS = {"type": "string", "pattern": "^[0-9]+$"}
RETRY_AFTER = _header("Seconds to wait before trying again.", required=True, schema=_SECONDS)
OPTIONAL_RETRY_AFTER = _header(
    "Seconds to wait before trying again (only when concurrent changes collided).",
    required=False,
    schema=_SECONDS,
)
WWW_AUTHENTICATE = _header(
    'The bearer challenge, e.g. `Bearer realm="onestop", error="invalid_token"`.',
    required=True,
    schema={"type": "string"},
)
# Answers whose headers are always set; the others' are described where they are declared.
_HEADERS_OF_STATUS = {
    401: {"WWW-Authenticate": WWW_AUTHENTICATE},
    429: {"Retry-After": RETRY_AFTER},
}


def refusals(described: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route decorator: these statuses with the error body and these words,
    e.g. ``refusals({404: "No case with this code", 409: "Not waiting for documents"})``."""
    return {status: {"model": ErrorBody, "description": text} for status, text in described.items()}


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and ``/openapi.json``) return the corrected document."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(generate(), app.state.access_rules)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document(schema: dict[str, Any], rules: Mapping[tuple[str, str], Rule]) -> dict[str, Any]:
    """``schema`` (FastAPI's document) corrected in place, given the app's access rules."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(_error_schemas())
    secured = False
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            rule = rules.get((method.upper(), path))
            if rule is not None and not rule.public:
                _secure(operation, rule)
                secured = True
            _complete(operation, method, path, officers=rule is not None and not rule.public)
    if secured:
        components.setdefault("securitySchemes", {})[SECURITY_SCHEME] = {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "An officer's access token from the department's identity provider (OAuth 2, "
                "OpenID Connect); its claims carry the officer's id, name, roles and agency. "
                "Local tokens: `python -m devstack.token`."
            ),
        }
    for name in _FASTAPI_VALIDATION:
        if not _referenced(schema, f"#/components/schemas/{name}"):
            schemas.pop(name, None)
    return schema


def _error_schemas() -> dict[str, Any]:
    generated = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions: dict[str, Any] = generated.pop("$defs", {})
    return {**definitions, "ErrorBody": generated}


def _secure(operation: dict[str, Any], rule: Rule) -> None:
    operation["security"] = [{SECURITY_SCHEME: []}]
    roles = ", ".join(f"`{role.value}`" for role in sorted(rule.roles))
    line = f"**Roles admitted:** {roles} ({role_names(rule.roles)})."
    description = operation.get("description", "").rstrip()
    operation["description"] = f"{description}\n\n{line}" if description else line


def _complete(operation: dict[str, Any], method: str, path: str, *, officers: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    wanted: dict[int, str] = {}
    has_body = "requestBody" in operation
    if operation.get("parameters") or has_body:
        wanted[422] = DESCRIPTIONS[422]
    if has_body:
        wanted[400] = DESCRIPTIONS[400]
        wanted[413] = DESCRIPTIONS[413]
    if officers:
        wanted[401] = DESCRIPTIONS[401]
        wanted[403] = DESCRIPTIONS[403]
        if method in _WRITES:
            wanted[409] = _CONCURRENT
    if path not in _PROBES:
        wanted[503] = DESCRIPTIONS[503]
    for status, description in wanted.items():
        responses.setdefault(str(status), {"description": description})
    for code, response in responses.items():
        if code.isdigit() and int(code) >= 400 and not (path in _PROBES and code == "503"):
            _error_response(int(code), response, method=method, officers=officers)


def _error_response(status: int, response: dict[str, Any], *, method: str, officers: bool) -> None:
    content = response.setdefault("content", {})
    media = content.get(JSON, {})
    ref = media.get("schema", {}).get("$ref", "")
    if not ref or ref.rsplit("/", 1)[-1] in _FASTAPI_VALIDATION:
        content[JSON] = {"schema": {"$ref": ERROR_REF}}
    if response.get("description") in ("", "Validation Error", "Successful Response"):
        response["description"] = DESCRIPTIONS.get(status, response["description"])
    headers = dict(_HEADERS_OF_STATUS.get(status, {}))
    if status == 503:
        headers["Retry-After"] = RETRY_AFTER
    if status == 409 and officers and method in _WRITES:
        headers["Retry-After"] = OPTIONAL_RETRY_AFTER
    for name, header in headers.items():
        response.setdefault("headers", {}).setdefault(name, header)


def _referenced(node: Any, ref: str) -> bool:
    if isinstance(node, dict):
        if node.get("$ref") == ref:
            return True
        return any(_referenced(value, ref) for value in node.values())
    if isinstance(node, list):
        return any(_referenced(value, ref) for value in node)
    return False


def _iso_day(value: object) -> object:
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("Phải là ngày dạng YYYY-MM-DD")
    return value


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A day as the document describes it (``format: date``): pydantic alone also takes "0" or
# "1700000000" as Unix times, which the document does not say and no client means.
IsoDate = Annotated[date, BeforeValidator(_iso_day)]
