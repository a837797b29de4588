"""Container healthcheck: ``python -m shared.observability.probe /readyz`` exits 0 on a 2xx answer.

Standard library only, so a probe every few seconds stays cheap and needs no curl in the image.
"""

import os
import sys
import urllib.error
import urllib.request

DEFAULT_PORT = "8000"
TIMEOUT_S = 4.0


def probe(url: str, timeout_s: float = TIMEOUT_S) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            status: int = response.status
            return 200 <= status < 300
    except (urllib.error.URLError, OSError):
        return False


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "/healthz"
    port = os.environ.get("PORT", DEFAULT_PORT)
    return 0 if probe(f"http://127.0.0.1:{port}{path}") else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
