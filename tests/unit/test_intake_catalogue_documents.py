"""The completeness check: a dossier missing a required document is not received."""

from datetime import date

import pytest

from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.procedures import (
    MissingDocument,
    Procedure,
    ProvidedDocument,
    missing_documents,
)
from shared.events.values import CopyKind

pytestmark = pytest.mark.unit

WORSHIP = load_catalogue().procedure("1.010803", date(2024, 5, 15))


def given(key: str, kind: CopyKind, count: int = 1) -> ProvidedDocument:
    return ProvidedDocument(key=key, kind=kind, count=count)


def missing_keys(missing: list[MissingDocument]) -> dict[str, int]:
    return {item.document.key: item.missing for item in missing}


def test_a_complete_dossier_misses_nothing() -> None:
    provided = [
        given("don-de-nghi", CopyKind.ORIGINAL),
        given("ban-sao-bang-tqgc", CopyKind.CERTIFIED_COPY),
    ]
    assert missing_documents(WORSHIP, provided) == []


def test_the_missing_documents_are_listed_with_their_names() -> None:
    missing = missing_documents(WORSHIP, [given("don-de-nghi", CopyKind.ORIGINAL)])
    assert missing_keys(missing) == {"ban-sao-bang-tqgc": 1}
    assert missing[0].document.name.startswith("Bản sao được chứng thực từ Bằng")


def test_an_empty_dossier_misses_every_required_document_but_not_the_optional() -> None:
    missing = missing_keys(missing_documents(WORSHIP, []))
    assert missing == {"don-de-nghi": 1, "ban-sao-bang-tqgc": 1}
    assert "van-ban-uy-quyen" not in missing


def test_an_original_serves_for_a_copy_but_a_plain_copy_not_for_a_certified_one() -> None:
    with_original = [
        given("don-de-nghi", CopyKind.ORIGINAL),
        given("ban-sao-bang-tqgc", CopyKind.ORIGINAL),
    ]
    assert missing_documents(WORSHIP, with_original) == []
    with_plain_copy = [
        given("don-de-nghi", CopyKind.ORIGINAL),
        given("ban-sao-bang-tqgc", CopyKind.COPY),
    ]
    assert missing_keys(missing_documents(WORSHIP, with_plain_copy)) == {"ban-sao-bang-tqgc": 1}
    copy_of_form = [given("don-de-nghi", CopyKind.COPY), given("ban-sao-bang-tqgc", CopyKind.COPY)]
    assert set(missing_keys(missing_documents(WORSHIP, copy_of_form))) == {
        "don-de-nghi",
        "ban-sao-bang-tqgc",
    }


def test_counts_are_added_up_and_the_shortfall_reported() -> None:
    two_copies = WORSHIP.documents[2].model_copy(update={"count": 2})
    procedure = Procedure.model_validate(
        {**WORSHIP.model_dump(), "documents": [WORSHIP.documents[0].model_dump(), two_copies]}
    )
    one = [given("don-de-nghi", CopyKind.ORIGINAL), given("ban-sao-bang-tqgc", CopyKind.ORIGINAL)]
    assert missing_keys(missing_documents(procedure, one)) == {"ban-sao-bang-tqgc": 1}
    two = [*one, given("ban-sao-bang-tqgc", CopyKind.CERTIFIED_COPY)]
    assert missing_documents(procedure, two) == []


def test_a_document_the_procedure_does_not_ask_for_is_refused() -> None:
    with pytest.raises(ValueError, match="asks for no document giay-khai-sinh"):
        missing_documents(WORSHIP, [given("giay-khai-sinh", CopyKind.COPY)])
