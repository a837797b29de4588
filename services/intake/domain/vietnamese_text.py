"""Accent-insensitive matching of Vietnamese text: "nha o" finds "nhà ở"."""

import re
import unicodedata

NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without diacritics; đ (which has no combining form) becomes d."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return [word for word in NON_WORD.split(fold(text)) if word]


def matches(query: str, *texts: str) -> bool:
    """Every word of the query starts some word of the texts, ignoring case and accents."""
    haystack = [word for text in texts for word in words(text)]
    return all(any(word.startswith(part) for word in haystack) for part in words(query))
