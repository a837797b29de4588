"""Mint an officer's bearer token with the checkout's development key, for curl and scripts:

    TOKEN=$(python -m devstack.token --role leader --agency H.NA.TC)
    curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8002/cases

Services outside production verify tokens against the same key (``shared.auth.keys``).
"""

import argparse
import sys

from shared.auth import mint_token
from shared.officers import OfficerRole


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.token", description=__doc__)
    parser.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[role.value for role in OfficerRole],
        help="a role the officer holds (repeat for several)",
    )
    parser.add_argument("--agency", required=True, help="code of the officer's agency")
    parser.add_argument("--sub", help="the officer's account (default: dev.<first role>)")
    parser.add_argument("--name", help="display name")
    parser.add_argument("--ttl", type=int, default=8 * 3600, help="seconds the token is valid")
    args = parser.parse_args(argv)
    subject = args.sub or f"dev.{args.role[0]}"
    print(mint_token(subject, args.role, args.agency, name=args.name, ttl_s=args.ttl))
    return 0


if __name__ == "__main__":
    sys.exit(main())
