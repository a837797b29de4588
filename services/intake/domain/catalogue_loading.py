"""Reading and checking the catalogue's data files; the only I/O of the domain, done at start.

Every problem raises CatalogueDataError naming the file and the entry (its position and code).
"""

from collections.abc import Callable
from importlib.resources import files
from importlib.resources.abc import Traversable
from itertools import combinations
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from services.intake.domain.agencies import Agency
from services.intake.domain.catalogue import Catalogue
from services.intake.domain.catalogue_errors import CatalogueDataError
from services.intake.domain.catalogue_values import Dated
from services.intake.domain.procedures import Procedure
from services.intake.domain.programmes import Programme

DATA_DIR = files("services.intake.data")
PROCEDURES_FILE = "procedures.yaml"
AGENCIES_FILE = "agencies.yaml"
PROGRAMMES_FILE = "programmes.yaml"

ModelT = TypeVar("ModelT", bound=BaseModel)
DatedT = TypeVar("DatedT", bound=Dated)


def load_catalogue(directory: Path | Traversable | None = None) -> Catalogue:
    folder = directory or DATA_DIR
    programmes = _read(folder, PROGRAMMES_FILE, "programmes", Programme)
    procedures = _read(folder, PROCEDURES_FILE, "procedures", Procedure)
    agencies = _read(folder, AGENCIES_FILE, "agencies", Agency)
    _check_unique(PROGRAMMES_FILE, programmes, lambda programme: programme.code)
    _check_versions(PROCEDURES_FILE, procedures, lambda procedure: procedure.code)
    _check_versions(AGENCIES_FILE, agencies, lambda agency: agency.code)
    known_programmes = {programme.code for _, programme in programmes}
    for label, procedure in procedures:
        if procedure.payment_programme and procedure.payment_programme not in known_programmes:
            problem = f"unknown payment_programme {procedure.payment_programme}"
            raise CatalogueDataError(PROCEDURES_FILE, label, problem)
    known_agencies = {agency.code for _, agency in agencies}
    for label, agency in agencies:
        if agency.parent and agency.parent not in known_agencies:
            raise CatalogueDataError(AGENCIES_FILE, label, f"unknown parent {agency.parent}")
        if agency.replaced_by and agency.replaced_by not in known_agencies:
            problem = f"unknown replaced_by {agency.replaced_by}"
            raise CatalogueDataError(AGENCIES_FILE, label, problem)
    return Catalogue(
        procedures=[procedure for _, procedure in procedures],
        agencies=[agency for _, agency in agencies],
    )


def _read(
    folder: Path | Traversable, name: str, key: str, model: type[ModelT]
) -> list[tuple[str, ModelT]]:
    try:
        raw = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogueDataError(name, "file", f"not valid YAML: {error}") from error
    if not isinstance(raw, dict) or set(raw) != {key} or not isinstance(raw[key], list):
        raise CatalogueDataError(name, "file", f"expected a single top-level list '{key}'")
    entries = []
    for position, item in enumerate(raw[key], start=1):
        label = _label(position, item)
        try:
            entries.append((label, model.model_validate(item)))
        except ValidationError as error:
            raise CatalogueDataError(name, label, _summary(error)) from error
    return entries


def _label(position: int, item: Any) -> str:
    code = item.get("code") or item.get("national_code") if isinstance(item, dict) else None
    return f"entry {position} ({code})" if code else f"entry {position}"


def _summary(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'entry'}: {problem['msg']}"
        for problem in error.errors()
    )


def _check_unique(
    name: str, entries: list[tuple[str, Programme]], code_of: Callable[[Programme], str]
) -> None:
    for (first_label, first), (label, entry) in combinations(entries, 2):
        if code_of(first) == code_of(entry):
            raise CatalogueDataError(name, label, f"duplicate code, already in {first_label}")


def _check_versions(
    name: str, entries: list[tuple[str, DatedT]], code_of: Callable[[DatedT], str]
) -> None:
    """A code may have several versions, but never two in effect on the same day."""
    for (first_label, first), (label, entry) in combinations(entries, 2):
        if code_of(first) != code_of(entry) or not first.overlaps(entry):
            continue
        if first.same_period(entry):
            raise CatalogueDataError(name, label, f"duplicate code, already in {first_label}")
        problem = f"effective period {entry.period} overlaps {first_label} ({first.period})"
        raise CatalogueDataError(name, label, problem)
