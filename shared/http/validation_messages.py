"""Turning pydantic's validation errors into a field path and a Vietnamese reason."""

from collections.abc import Mapping
from typing import Any

# Templates are filled from the error's ``ctx``; an error type not listed keeps pydantic's words.
_TEMPLATES = {
    "missing": "Thiếu trường bắt buộc",
    "extra_forbidden": "Trường này không được phép",
    "json_invalid": "JSON không hợp lệ: {error}",
    "model_type": "Phải là một đối tượng JSON",
    "model_attributes_type": "Phải là một đối tượng JSON",
    "dict_type": "Phải là một đối tượng JSON",
    "list_type": "Phải là một danh sách",
    "string_type": "Phải là chuỗi ký tự",
    "string_too_short": "Phải có ít nhất {min_length} ký tự",
    "string_too_long": "Không được dài quá {max_length} ký tự",
    "string_pattern_mismatch": "Không đúng định dạng (mẫu {pattern})",
    "too_short": "Phải có ít nhất {min_length} phần tử",
    "too_long": "Không được có quá {max_length} phần tử",
    "int_type": "Phải là số nguyên",
    "int_parsing": "Phải là số nguyên",
    "int_from_float": "Phải là số nguyên",
    "bool_type": "Phải là true hoặc false",
    "bool_parsing": "Phải là true hoặc false",
    "greater_than": "Phải lớn hơn {gt}",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}",
    "less_than": "Phải nhỏ hơn {lt}",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}",
    "enum": "Phải là một trong các giá trị: {expected}",
    "literal_error": "Phải là một trong các giá trị: {expected}",
    "date_type": "Phải là ngày dạng YYYY-MM-DD",
    "date_parsing": "Phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "Phải là ngày dạng YYYY-MM-DD",
    "datetime_type": "Phải là thời điểm theo RFC 3339",
    "datetime_parsing": "Phải là thời điểm theo RFC 3339",
    "datetime_from_date_parsing": "Phải là thời điểm theo RFC 3339",
    "timezone_aware": "Thời điểm phải kèm múi giờ",
    "uuid_type": "Phải là UUID",
    "uuid_parsing": "Phải là UUID",
    # Our own validators raise ValueError with a message already written for the user.
    "value_error": "{error}",
    "assertion_error": "{error}",
}


def field_of(error: Mapping[str, Any]) -> str:
    """``("body", "applicant", "phone")`` becomes ``"body.applicant.phone"``."""
    if error["type"] == "json_invalid":
        # Its location ends with a character offset, which names no field.
        return "body"
    return ".".join(str(part) for part in error["loc"])


def reason_for(error: Mapping[str, Any]) -> str:
    template = _TEMPLATES.get(error["type"])
    if template is None:
        return str(error["msg"])
    try:
        return template.format_map(error.get("ctx") or {})
    except (KeyError, IndexError, ValueError):
        return str(error["msg"])
