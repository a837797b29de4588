"""Loading the workflow's data files: processing flows bound to the agency hierarchy, and payment
programmes, validated at load."""

from functools import cache
from pathlib import Path

import yaml

from services.workflow.domain.agencies import AgencyTree
from services.workflow.domain.payments import ProgrammeCatalogue
from services.workflow.domain.processes import ProcessCatalogue

DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def load_agencies(path: Path = DATA / "agencies.yaml") -> AgencyTree:
    return AgencyTree.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def load_processes(path: Path = DATA / "processes.yaml") -> ProcessCatalogue:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ProcessCatalogue.from_mapping(raw, load_agencies())


@cache
def load_programmes(path: Path = DATA / "programmes.yaml") -> ProgrammeCatalogue:
    return ProgrammeCatalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
