"""The AsyncAPI 3.0 document of the catalogue: one Kafka channel and one message per event type."""

from typing import Any

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import CASE_CODE_PATTERN, STRUCTURED_CONTENT_TYPE
from shared.events.examples import example_event
from shared.events.registry import Catalogue, EventSpec
from shared.events.schemas import personal_data_statement
from shared.settings import ServiceSettings

SCHEMA_FORMAT = "application/schema+json;version=2020-12"
KAFKA_BINDING = "0.5.0"

INTRODUCTION = """\
Events of the one-stop shop (cơ chế một cửa) of a provincial public-service department, published
by its intake, workflow and notify services. External systems (national portal sync, treasury,
statistics) may subscribe; treat every topic as a public API.

- One topic per event type. Deployments may prepend a prefix to every topic name.
- Each message value is a CloudEvents 1.0 event in structured JSON mode (`content-type:
  application/cloudevents+json`); `type` is versioned (`vn.onestop.{topic}.v{n}`), `dataschema`
  names the JSON Schema of the event, `subject` is the case code, `time` is RFC 3339 in UTC.
- The Kafka key is the case code: all events of one case are in order on one partition.
- Delivery is at least once: consumers must be idempotent on the event `id`.
- Within a version, changes are backward compatible; a breaking change is a new `type` version.

**Personal data.** Several events carry personal data of citizens (full names, citizen identity
numbers, dates of birth, phone numbers, e-mail and postal addresses) and staff account names.
Subscribers must protect it as Vietnamese law on personal data protection requires. Each message
lists its personal data fields in `x-personal-data`:
"""


def asyncapi_document(catalogue: Catalogue = CATALOGUE) -> dict[str, Any]:
    specs = sorted(catalogue, key=lambda spec: (spec.topic, spec.version))
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "One-stop-shop case events",
            "version": "1.0.0",
            "description": INTRODUCTION + "".join(personal_data_line(s) for s in specs),
        },
        "defaultContentType": STRUCTURED_CONTENT_TYPE,
        "servers": {
            "local": {
                "host": ServiceSettings.model_fields["kafka_bootstrap_servers"].default,
                "protocol": "kafka",
                "title": "Local development broker",
                "description": "Apache Kafka 4.4 (KRaft, plaintext) on loopback, from devstack.",
            }
        },
        "channels": {spec.topic: channel(spec) for spec in specs},
        "operations": {operation_id(spec): operation(spec) for spec in specs},
        "components": {"messages": {message_id(spec): message(spec) for spec in specs}},
    }


def personal_data_line(spec: EventSpec) -> str:
    return f"- `{spec.topic}`: {personal_data_statement(spec)}\n"


def message_id(spec: EventSpec) -> str:
    return f"{spec.topic}.v{spec.version}"


def operation_id(spec: EventSpec) -> str:
    return f"{spec.producer}.send.{message_id(spec)}"


def channel(spec: EventSpec) -> dict[str, Any]:
    return {
        "address": spec.topic,
        "title": spec.topic,
        "summary": spec.summary,
        "messages": {
            message_id(spec): {"$ref": f"#/components/messages/{message_id(spec)}"},
        },
        "bindings": {"kafka": {"topic": spec.topic, "bindingVersion": KAFKA_BINDING}},
    }


def operation(spec: EventSpec) -> dict[str, Any]:
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{spec.topic}"},
        "title": f"{spec.producer} publishes {spec.topic}",
        "summary": spec.summary,
        "tags": [{"name": spec.producer}],
        "messages": [{"$ref": f"#/channels/{spec.topic}/messages/{message_id(spec)}"}],
    }


def message(spec: EventSpec) -> dict[str, Any]:
    doc = spec.data_model.__doc__ or spec.summary
    return {
        "name": spec.type,
        "title": f"{spec.topic} v{spec.version}",
        "summary": spec.summary,
        "description": f"{doc} {personal_data_statement(spec)}",
        "contentType": STRUCTURED_CONTENT_TYPE,
        "headers": headers(spec),
        "correlationId": {
            "description": "The case code: every event of one case shares it.",
            "location": "$message.payload#/subject",
        },
        "payload": {
            "schemaFormat": SCHEMA_FORMAT,
            "schema": {"$ref": f"schemas/{message_id(spec)}.json"},
        },
        "bindings": {"kafka": {"key": case_code_key(), "bindingVersion": KAFKA_BINDING}},
        "tags": [{"name": spec.producer}],
        "examples": [example(spec)],
        "x-personal-data": [f"data.{path}" for path in spec.personal_data],
    }


def headers(spec: EventSpec) -> dict[str, Any]:
    """Kafka headers per the CloudEvents Kafka binding, structured mode."""
    return {
        "type": "object",
        "required": ["content-type", "ce_id", "ce_type", "ce_source"],
        "properties": {
            "content-type": {
                "const": STRUCTURED_CONTENT_TYPE,
                "description": "Structured-mode CloudEvent.",
            },
            "ce_id": {"type": "string", "format": "uuid", "description": "Same as payload id."},
            "ce_type": {"const": spec.type, "description": "Same as payload type."},
            "ce_source": {"const": spec.source, "description": "Same as payload source."},
        },
    }


def case_code_key() -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": CASE_CODE_PATTERN,
        "description": "The case code (UTF-8), equal to the event's subject.",
    }


def example(spec: EventSpec) -> dict[str, Any]:
    event = example_event(spec)
    return {
        "name": f"{spec.topic}-example",
        "summary": f"Example of {spec.type}.",
        "headers": {
            "content-type": STRUCTURED_CONTENT_TYPE,
            "ce_id": str(event.id),
            "ce_type": event.type,
            "ce_source": event.source,
        },
        "payload": event.model_dump(mode="json"),
    }
