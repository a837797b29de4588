"""Which sender name (brandname) an SMS goes out under: the one of the agency acting on the case.

Vietnamese carriers deliver an SMS from an organisation only under a brandname registered for it
(at most 11 letters, digits, spaces, dots, hyphens or underscores), so each agency's name is set
by the deployment; an agency without one sends under the gateway's default (``SMS_SENDER``).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

BRANDNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,10}$")


def check_brandname(name: str) -> str:
    if not BRANDNAME.match(name):
        raise ValueError(
            f"{name!r} is no SMS brandname: 1 to 11 letters, digits, spaces, '.', '-' or '_'"
        )
    return name


@dataclass(frozen=True)
class SenderNames:
    """Agency code -> brandname. A code without an entry of its own takes its parent's by the
    dotted prefix: ``SNV.NA`` falls back to ``SNV``."""

    by_agency: Mapping[str, str] = field(default_factory=dict)

    def for_agency(self, agency_code: str) -> str | None:
        """The agency's brandname, or None for the gateway's default."""
        parts = agency_code.split(".")
        for end in range(len(parts), 0, -1):
            found = self.by_agency.get(".".join(parts[:end]))
            if found is not None:
                return found
        return None
