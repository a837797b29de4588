"""The numbers applicants are identified by: a person's ID number (the 12-digit số định danh cá
nhân, or the 9 digits of an old chứng minh nhân dân) and an organisation's tax code (mã số thuế)."""

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic.config import JsonDict


def _all_digits(value: str, *lengths: int) -> bool:
    return value.isascii() and value.isdigit() and len(value) in lengths


PERSONAL_ID_RULE = "Số định danh cá nhân phải gồm đúng 12 chữ số, hoặc 9 chữ số nếu là số CMND cũ"


def _personal_id(value: str) -> str:
    if not _all_digits(value, 12, 9):
        raise ValueError(PERSONAL_ID_RULE)
    return value


def _tax_code(value: str) -> str:
    number, _, branch = value.partition("-")
    if not (_all_digits(number, 10) and (value == number or _all_digits(branch, 3))):
        raise ValueError("Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu '-' và 3 chữ số")
    return value


def _identifier(value: str) -> str:
    """The number a case's applicant is looked up by: a person's ID number or a tax code."""
    if _all_digits(value, 12, 9):
        return value
    try:
        return _tax_code(value)
    except ValueError:
        raise ValueError(f"{PERSONAL_ID_RULE}; hồ sơ của tổ chức: nhập mã số thuế") from None


# The rules above as the OpenAPI document states them (surrounding spaces are ignored as well).
_ID = r"[0-9]{12}|[0-9]{9}"
_TAX = r"[0-9]{10}(?:-[0-9]{3})?"
PERSONAL_ID_DOC: JsonDict = {"pattern": rf"^(?:{_ID})$"}
TAX_CODE_DOC: JsonDict = {"pattern": rf"^{_TAX}$"}
IDENTIFIER_DOC: JsonDict = {"pattern": rf"^(?:{_ID}|{_TAX})$"}

PersonalIdInput = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_personal_id),
    Field(
        json_schema_extra=PERSONAL_ID_DOC,
        description="Số định danh cá nhân (12 chữ số) hoặc số chứng minh nhân dân cũ (9 chữ số).",
    ),
]
TaxCodeInput = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_tax_code),
    Field(
        json_schema_extra=TAX_CODE_DOC,
        description="Mã số thuế: 10 chữ số; đơn vị phụ thuộc (chi nhánh) thêm '-' và 3 chữ số.",
    ),
]
IdentifierInput = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_identifier),
    Field(
        json_schema_extra=IDENTIFIER_DOC,
        description="Số định danh cá nhân (12 chữ số) hoặc số CMND (9 chữ số) của người nộp; "
        "mã số thuế nếu hồ sơ của tổ chức.",
    ),
]
