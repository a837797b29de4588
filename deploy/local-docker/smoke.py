"""Smoke check of a running compose stack, through its public APIs only.

A reception clerk (token minted with ``python -m devstack.token``, the checkout's development key,
which the containers verify with) submits a dossier at a receiving agency; the case must show in
that agency's workflow queue, reach the Biểu 06 report and be notified (the sinks). Prints what it
saw and how long each hop took; exits non-zero when a hop does not happen in time.

    .venv/bin/python deploy/local-docker/smoke.py --intake URL --workflow URL --sinks URL
"""

import argparse
import subprocess
import sys
import time
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from devstack.demo import receivable
from devstack.demo_data import DOSSIERS

DEADLINE_S = 90.0


def token(role: str, agency: str) -> dict[str, str]:
    minted = subprocess.run(
        [sys.executable, "-m", "devstack.token", "--role", role, "--agency", agency],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {"Authorization": f"Bearer {minted}"}


def until(what: str, read: Any, started: float) -> Any:
    while True:
        value = read()
        if value:
            print(f"  {what}: after {time.monotonic() - started:.1f} s", flush=True)
            return value
        if time.monotonic() - started > DEADLINE_S:
            raise SystemExit(f"smoke: FAILED: no {what} after {DEADLINE_S:.0f} s")
        time.sleep(0.5)


def received_in_report(http: httpx.Client, reporting: str) -> int:
    """New dossiers of today (Viet Nam's day, as the report counts) in the Biểu 06 totals."""
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    response = http.get(
        f"{reporting}/reports/one-stop", params={"from": today, "to": today, "format": "json"}
    )
    response.raise_for_status()
    return int(response.json()["total"]["received"]["new"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intake", default="http://127.0.0.1:38001")
    parser.add_argument("--workflow", default="http://127.0.0.1:38002")
    parser.add_argument("--reporting", default="http://127.0.0.1:38004")
    parser.add_argument("--sinks", default="http://127.0.0.1:38025")
    args = parser.parse_args()
    with httpx.Client(timeout=30) as http:
        procedures = [p for p in http.get(f"{args.intake}/procedures").json() if receivable(p)]
        agencies = http.get(f"{args.intake}/agencies").json()
        choice = next(
            (p, a)
            for p in procedures
            if not p["is_benefit"]
            for a in sorted(agencies, key=lambda a: a["code"])
            if a["level"] in p["receiving_levels"]
        )
        procedure, agency = choice
        print(f"smoke: procedure {procedure['code']} at agency {agency['code']}", flush=True)
        before = received_in_report(http, args.reporting)
        citizen = DOSSIERS[0].citizen
        body = {
            "procedure_code": procedure["code"],
            "agency_code": agency["code"],
            "channel": DOSSIERS[0].channel,
            "applicant": citizen.applicant(),
            "documents": [
                {"key": d["key"], "kind": d["kind"], "count": d["count"]}
                for d in procedure["documents"]
                if d["required"]
            ],
        }
        started = time.monotonic()
        response = http.post(
            f"{args.intake}/cases",
            json=body,
            headers={
                **token("reception_clerk", agency["code"]),
                "Idempotency-Key": f"compose-check-{uuid.uuid4()}",
            },
        )
        if response.status_code != 201 and response.is_error:
            raise SystemExit(f"smoke: FAILED: POST /cases {response.status_code}: {response.text}")
        code = response.json()["code"]
        print(f"  submitted {code}: HTTP {response.status_code}", flush=True)
        specialist = token("specialist", agency["code"])

        def queued() -> Any:
            queue = http.get(f"{args.workflow}/cases", headers=specialist).raise_for_status()
            return next((item for item in queue.json() if item.get("case_code") == code), None)

        item = until(f"{code} in the workflow queue of {agency['code']}", queued, started)
        print(f"    queue item: {item}", flush=True)
        until(
            f"{code} counted in the one-stop report",
            lambda: received_in_report(http, args.reporting) > before,
            started,
        )

        def notified() -> Any:
            sms = http.get(f"{args.sinks}/sms").json()
            mail = http.get(f"{args.sinks}/mail").json()
            return [m for m in [*as_list(sms), *as_list(mail)] if code in str(m)]

        messages = until(f"a message about {code} at the sinks", notified, started)
        print(f"    {len(messages)} message(s) naming {code}", flush=True)
    print(f"smoke: passed ({code})", flush=True)
    return 0


def as_list(listing: Any) -> list[Any]:
    if isinstance(listing, dict):
        for key in ("items", "messages", "sms", "mail"):
            if isinstance(listing.get(key), list):
                return list(listing[key])
        return [listing]
    return list(listing) if isinstance(listing, list) else []


if __name__ == "__main__":
    sys.exit(main())
