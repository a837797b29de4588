"""The registry of ZNS templates (``templates/zns.yaml``): read and checked once, at startup."""

from collections.abc import Iterable, Mapping
from pathlib import Path

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

ZNS_TEMPLATES_FILE = Path(__file__).resolve().parent.parent / "templates" / "zns.yaml"


class ZnsTemplate(BaseModel):
    """A template registered with Zalo: its id, and the Jinja2 source of each parameter."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    template_id: str = Field(min_length=1, max_length=64)
    params: dict[str, str] = Field(min_length=1)


ZnsTemplates = Mapping[str, ZnsTemplate]
_FILE = TypeAdapter(dict[str, ZnsTemplate])


class ZnsTemplatesError(ValueError):
    """The registry cannot serve the service: the service must not start with it."""


def load_zns_templates(path: Path, required: Iterable[str]) -> ZnsTemplates:
    """The file's templates; every name in ``required`` must have one, and every value parse."""
    try:
        templates = _FILE.validate_python(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ZnsTemplatesError(f"ZNS templates {path}: {exc}") from exc
    missing = sorted(set(required) - set(templates))
    if missing:
        raise ZnsTemplatesError(f"ZNS templates {path}: no template for {', '.join(missing)}")
    for name, template in templates.items():
        _check_syntax(path, name, template)
    return templates


def _check_syntax(path: Path, name: str, template: ZnsTemplate) -> None:
    parser = jinja2.Environment()
    for param, source in template.params.items():
        try:
            parser.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            raise ZnsTemplatesError(f"ZNS templates {path}: {name}.{param}: {exc}") from exc
