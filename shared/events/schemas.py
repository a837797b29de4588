"""The published JSON Schema of each event type: the CloudEvents envelope with its typed data."""

from typing import Any

from shared.events.registry import EventSpec

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def personal_data_statement(spec: EventSpec) -> str:
    if not spec.personal_data:
        return "Carries no personal data."
    return "Carries personal data: " + ", ".join(f"data.{p}" for p in spec.personal_data) + "."


def event_schema(spec: EventSpec) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one event type's messages, as its producer writes them."""
    schema = spec.envelope_model.model_json_schema()
    properties = schema["properties"]
    properties["type"] = {"const": spec.type, "description": properties["type"]["description"]}
    return {
        "$schema": DIALECT,
        "$id": spec.dataschema,
        **schema,
        "title": spec.type,
        "description": f"{spec.summary} {personal_data_statement(spec)}",
        # Producers always write every attribute, even those the model could default.
        "required": list(properties),
        "x-personal-data": [f"data.{path}" for path in spec.personal_data],
    }
