"""What the tests call a raw personal number in stored or logged text, independently of the masking
code: a 12-digit ID number or a Vietnamese phone number, however written.

UUIDs are taken out first: one in eight has twelve digits in its last group.
"""

import re

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
HEX_ID = re.compile(r"(?<![0-9A-Za-z])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})(?![0-9A-Za-z])")
RAW_NUMBER = re.compile(
    r"(?<!\d)(?:\d{12}|\d{3}(?: \d{3}){3}"  # ID numbers
    r"|(?:\+?84[ .]?|0)[35789](?:[ .]?\d){8})(?!\d)"  # mobile numbers
)


def raw_numbers(text: str) -> list[str]:
    """The raw ID and phone numbers in ``text`` (UUIDs and hex digests are not numbers)."""
    return RAW_NUMBER.findall(HEX_ID.sub("#", UUID.sub("#", text)))
