"""Bad catalogue data is refused at load, naming the file and the entry."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.intake.domain.catalogue_errors import CatalogueDataError
from services.intake.domain.catalogue_loading import DATA_DIR, load_catalogue

pytestmark = pytest.mark.unit

Data = dict[str, Any]
FILES = ("procedures.yaml", "agencies.yaml", "programmes.yaml")


def shipped(name: str) -> Data:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


def data_dir(tmp_path: Path, name: str, change: Callable[[Data], None]) -> Path:
    """A copy of the shipped data where one file went through `change`."""
    for file in FILES:
        data = shipped(file)
        if file == name:
            change(data)
        (tmp_path / file).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def entry(data: Data, key: str, code: str) -> Data:
    return next(item for item in data[key] if code in (item.get("code"), item.get("national_code")))


def position(data: Data, key: str, code: str) -> int:
    return data[key].index(entry(data, key, code)) + 1


def refused(tmp_path: Path, name: str, change: Callable[[Data], None]) -> CatalogueDataError:
    with pytest.raises(CatalogueDataError) as caught:
        load_catalogue(data_dir(tmp_path, name, change))
    assert caught.value.file == name
    return caught.value


def test_the_shipped_data_loads(tmp_path: Path) -> None:
    assert load_catalogue(data_dir(tmp_path, "procedures.yaml", lambda data: None)).procedures()


def test_a_duplicate_procedure_is_refused(tmp_path: Path) -> None:
    def duplicate(data: Data) -> None:
        data["procedures"].append(dict(entry(data, "procedures", "1.001653")))

    error = refused(tmp_path, "procedures.yaml", duplicate)
    first = position(shipped("procedures.yaml"), "procedures", "1.001653")
    assert error.entry.endswith("(1.001653)")
    assert error.problem == f"duplicate code, already in entry {first} (1.001653)"


def test_overlapping_versions_of_a_procedure_are_refused(tmp_path: Path) -> None:
    def overlap(data: Data) -> None:
        later = dict(entry(data, "procedures", "1.014027"), effective_from=date(2026, 1, 1))
        data["procedures"].append(later)

    error = refused(tmp_path, "procedures.yaml", overlap)
    assert "effective period 2026-01-01 to … overlaps" in error.problem


def test_a_new_version_after_the_old_one_ends_is_accepted(tmp_path: Path) -> None:
    def new_version(data: Data) -> None:
        old = entry(data, "procedures", "1.001731")
        data["procedures"].append(
            {
                **old,
                "level": "xã",
                "receiving_levels": ["xã"],
                "processing_days": 4,
                "effective_from": date(2025, 7, 1),
                "effective_to": None,
            }
        )

    catalogue = load_catalogue(data_dir(tmp_path, "procedures.yaml", new_version))
    assert catalogue.procedure("1.001731", date(2025, 6, 30)).processing_days == 5
    assert catalogue.procedure("1.001731", date(2025, 7, 1)).processing_days == 4


def set_field(code: str, **values: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        entry(data, "procedures", code).update(values)

    return change


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (set_field("1.001653", field="Lao động"), "field: Input should be"),
        (set_field("1.001653", fees_vnd=0), "fees_vnd: Extra inputs are not permitted"),
        (set_field("1.001653", fee_vnd=-1000), "fee_vnd: Input should be greater than or equal"),
        (set_field("1.001653", fee_vnd=1500.5), "fee_vnd: Input should be a valid integer"),
        (set_field("1.001653", national_code=1.001653), "national_code: Input should be a valid"),
        (set_field("1.001653", payment_programme="KHONG_CO"), "only a benefit procedure"),
        (set_field("1.014027", payment_programme="KHONG_CO"), "unknown payment_programme"),
        (set_field("1.001653", level="huyện"), "district-level version must end"),
        (
            set_field("1.001653", effective_to=date(2020, 1, 1), effective_from=date(2021, 1, 1)),
            "effective_to is before effective_from",
        ),
        (set_field("1.001653", processing_days=0), "processing_days: Input"),
        (set_field("1.001653", derived=["processing_days"]), "derived fields cannot be verified"),
        (set_field("1.001653", derived=["name"]), "derived.0: Input should be"),
        (
            set_field("1.001653", shown_documents=[{"key": "don-de-nghi", "name": "Đơn"}]),
            "two documents share a key",
        ),
    ],
)
def test_a_bad_procedure_is_refused_naming_it(
    tmp_path: Path, change: Callable[[Data], None], problem: str
) -> None:
    error = refused(tmp_path, "procedures.yaml", change)
    assert error.entry.startswith("entry ")
    assert "(1.0" in error.entry
    assert problem in error.problem


def test_two_documents_with_one_key_are_refused(tmp_path: Path) -> None:
    def twice(data: Data) -> None:
        documents = entry(data, "procedures", "1.010833")["documents"]
        documents.append(dict(documents[0]))

    assert "two documents share a key" in refused(tmp_path, "procedures.yaml", twice).problem


def test_a_file_without_its_list_is_refused(tmp_path: Path) -> None:
    def rename(data: Data) -> None:
        data["thu_tuc"] = data.pop("procedures")

    error = refused(tmp_path, "procedures.yaml", rename)
    assert error.entry == "file"


def test_a_duplicate_programme_is_refused(tmp_path: Path) -> None:
    def duplicate(data: Data) -> None:
        data["programmes"].append(dict(entry(data, "programmes", "TC_THO_CUNG_LS")))

    assert "duplicate code" in refused(tmp_path, "programmes.yaml", duplicate).problem


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"parent": "KHONGCO"}, "unknown parent KHONGCO"),
        ({"code": "dai-dong"}, "code: String should match pattern"),
        ({"level": "huyện"}, "district-level agency must end"),
        ({"replaced_by": "KHONGCO"}, "unknown replaced_by KHONGCO"),
    ],
)
def test_a_bad_agency_is_refused(tmp_path: Path, values: Data, problem: str) -> None:
    def change(data: Data) -> None:
        entry(data, "agencies", "DAIDONG").update(values)

    assert problem in refused(tmp_path, "agencies.yaml", change).problem


def test_overlapping_agencies_are_refused(tmp_path: Path) -> None:
    def overlap(data: Data) -> None:
        data["agencies"].append(dict(entry(data, "agencies", "TCH"), effective_to=date(2025, 2, 1)))

    assert "overlaps" in refused(tmp_path, "agencies.yaml", overlap).problem
