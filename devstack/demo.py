"""Demo data for the local stack: ``python -m devstack.demo`` once ``devstack up --services`` ran.

Submits a dozen dossiers at the intake desk and works several of them through the workflow, only
through the services' public HTTP APIs, so what it shows is what any client could do. Safe to run
again: each dossier has a stable Idempotency-Key, and each action is taken only when the case's
current state (read first) shows it is still to be done.
"""

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import httpx

from devstack.config import StackConfig
from devstack.demo_data import DOSSIERS, OFFICER_NAMES, OFFICERS, RATING, DemoDossier, Stage
from shared.auth import mint_token
from shared.progress import Progress

Json = dict[str, Any]
EVENT_DEADLINE_S = 30.0
POLL_S = 0.2
# Workflow statuses (national portal numbering).
RECEIVED, IN_PROGRESS, SUPPLEMENT_REQUESTED, RESOLVED = 2, 4, 5, 9
RESOLVING = {Stage.APPROVED, Stage.REJECTED, Stage.RETURNED}


class DemoError(Exception):
    """A service refused a demo action, or an event did not arrive in time."""


@dataclass(frozen=True)
class Urls:
    intake: str
    workflow: str
    notify: str
    reporting: str
    sinks: str

    @classmethod
    def of(cls, config: StackConfig) -> "Urls":
        def url(setting: str) -> str:
            return f"http://{config.host}:{config.port(setting)}"

        return cls(
            url("INTAKE_PORT"),
            url("WORKFLOW_PORT"),
            url("NOTIFY_PORT"),
            url("REPORTING_PORT"),
            url("SINKS_HTTP_PORT"),
        )


@dataclass(frozen=True)
class Planned:
    dossier: DemoDossier
    number: int  # 1-based, for stable decision numbers
    procedure: Json
    agency: Json


# An officer as the demo acts: a role at an agency.
As = tuple[str, str]


class Demo:
    def __init__(self, urls: Urls, client: httpx.Client) -> None:
        self.urls = urls
        self.http = client
        self.desk_of: dict[str, str] = {}  # case code -> agency that received it

    # -- HTTP -----------------------------------------------------------------------------------

    def call(self, method: str, url: str, as_: As | None = None, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if as_ is not None:
            headers |= bearer(*as_)
        response = self.http.request(method, url, headers=headers, **kwargs)
        if response.is_error:
            raise DemoError(f"{method} {url} -> {response.status_code}: {response.text}")
        return response.json()

    def officer(self, role: str, code: str) -> As:
        return role, self.desk_of[code]

    def intake_case(self, code: str) -> Json:
        clerk = self.officer("reception_clerk", code)
        return self.call("GET", f"{self.urls.intake}/cases/{code}", clerk)

    def flow_if_open(self, code: str) -> Json | None:
        """The workflow's view of the case, or None while the workflow has not heard of it."""
        url = f"{self.urls.workflow}/cases/{code}"
        response = self.http.get(url, headers=bearer(*self.officer("specialist", code)))
        return None if response.status_code == 404 else response.raise_for_status().json()

    def flow(self, code: str) -> Json:
        url = f"{self.urls.workflow}/cases/{code}"
        return self.call("GET", url, self.officer("specialist", code))

    def wait(
        self, what: str, read: Callable[[], Json | None], until: Callable[[Json], bool]
    ) -> Json:
        """Poll ``read`` until ``until`` holds: the events between services take a moment."""
        deadline = time.monotonic() + EVENT_DEADLINE_S
        while True:
            value = read()
            if value is not None and until(value):
                return value
            if time.monotonic() > deadline:
                raise DemoError(f"waited {EVENT_DEADLINE_S:.0f} s for {what}; last: {value}")
            time.sleep(POLL_S)

    # -- the plan -------------------------------------------------------------------------------

    def plan(self) -> list[Planned]:
        procedures = [
            p for p in self.call("GET", f"{self.urls.intake}/procedures") if receivable(p)
        ]
        agencies = sorted(self.call("GET", f"{self.urls.intake}/agencies"), key=lambda a: a["code"])
        pools = {
            True: [p for p in procedures if p["is_benefit"] and p["payment_programme"]],
            False: [p for p in procedures if not p["is_benefit"]],
        }
        if not pools[True] or not pools[False]:
            raise DemoError("the catalogue has no receivable benefit or ordinary procedure today")
        turns = {True: count(), False: count()}
        planned = []
        for number, dossier in enumerate(DOSSIERS, start=1):
            pool = pools[dossier.benefit]
            procedure = pool[next(turns[dossier.benefit]) % len(pool)]
            desks = [a for a in agencies if a["level"] in procedure["receiving_levels"]]
            if not desks:
                raise DemoError(f"no agency today receives procedure {procedure['code']}")
            planned.append(Planned(dossier, number, procedure, desks[number % len(desks)]))
        return planned

    # -- one dossier ----------------------------------------------------------------------------

    def run(self, planned: Planned) -> tuple[Json, Json]:
        code = self.submit(planned)
        flow = self.wait(f"the workflow to open {code}", lambda: self.flow_if_open(code), bool)
        stage = planned.dossier.stage
        if stage is Stage.SUPPLEMENTED:
            flow = self.supplement(code, planned.procedure)
        elif stage is not Stage.RECEIVED:
            flow = self.advance(code, planned)
        if stage in RESOLVING:
            self.resolved_at_desk(code)
        if stage is Stage.RETURNED:
            self.return_and_rate(code, planned.dossier)
        return self.intake_case(code), flow

    def submit(self, planned: Planned) -> str:
        dossier = planned.dossier
        body = {
            "procedure_code": planned.procedure["code"],
            "agency_code": planned.agency["code"],
            "channel": dossier.channel,
            "applicant": dossier.citizen.applicant(),
            "documents": [
                {"key": d["key"], "kind": d["kind"], "count": d["count"]}
                for d in planned.procedure["documents"]
                if d["required"]
            ],
        }
        key = {"Idempotency-Key": f"devstack-demo-{dossier.key}"}
        clerk = ("reception_clerk", planned.agency["code"])
        url = f"{self.urls.intake}/cases"
        code: str = self.call("POST", url, clerk, json=body, headers=key)["code"]
        self.desk_of[code] = planned.agency["code"]
        return code

    def act(self, code: str, action: str, role: str, body: Json | None = None) -> Json:
        """As the officer of the agency at the case's current step (an interlinked procedure
        moves from the commune to the department and back)."""
        agency = self.flow(code)["current_agency_code"]
        url = f"{self.urls.workflow}/cases/{code}/{action}"
        return self.call("POST", url, (role, agency), json=body)

    def advance(self, code: str, planned: Planned) -> Json:
        """Take the case one action at a time, from what it is now, up to the dossier's stage."""
        while True:
            flow = self.flow(code)
            step_taken = flow["assignee"] is not None
            if reached(flow, planned.dossier.stage):
                return flow
            role = flow["step"]["role"]
            if role not in OFFICERS:
                raise DemoError(f"the demo has no officer for the {role} step of {code}")
            if not step_taken:
                self.act(code, "claim", role)
            elif role == "specialist":
                self.act(code, "steps/complete", role, {"note": "Hồ sơ hợp lệ, đủ điều kiện"})
            elif role == "leader":
                self.act(code, "decision", role, decision(planned))
            else:
                self.act(code, "handover", role, {"note": "Đã nhận kết quả tại Bộ phận Một cửa"})

    def supplement(self, code: str, procedure: Json) -> Json:
        flow = self.flow(code)
        if flow["assignee"] is None:
            self.act(code, "claim", "specialist")
        missing = [missing_document(procedure)]
        if not any(h["action"] == "request_supplement" for h in flow["history"]):
            request = {
                "reasons": [f"Hồ sơ còn thiếu: {missing[0]['name']}"],
                "missing_documents": missing,
            }
            self.act(code, "supplement-requests", "specialist", request)
        desk = self.wait(
            f"the desk to learn that {code} awaits a supplement",
            lambda: self.intake_case(code),
            lambda case: case["status"]["code"] != RECEIVED,
        )
        if desk["status"]["code"] == SUPPLEMENT_REQUESTED:
            body = {"documents": missing}
            clerk = self.officer("reception_clerk", code)
            self.call("POST", f"{self.urls.intake}/cases/{code}/supplements", clerk, json=body)
        return self.wait(
            f"the workflow to resume {code}",
            lambda: self.flow_if_open(code),
            lambda case: case["status"] == IN_PROGRESS,
        )

    def resolved_at_desk(self, code: str) -> Json:
        return self.wait(
            f"the desk to learn that {code} is resolved",
            lambda: self.intake_case(code),
            lambda case: case["status"]["code"] >= RESOLVED,
        )

    def return_and_rate(self, code: str, dossier: DemoDossier) -> None:
        case = self.intake_case(code)
        if case["status"]["code"] == RESOLVED:
            clerk = self.officer("reception_clerk", code)
            self.call("POST", f"{self.urls.intake}/cases/{code}/result-returned", clerk)
        if case["rating"] is None:
            body = {"id_number": dossier.citizen.citizen_id, "indicators": RATING}
            self.call("POST", f"{self.urls.intake}/cases/{code}/rating", json=body)


def bearer(role: str, agency: str) -> dict[str, str]:
    """A token of the demo's officer in this role at this agency, minted with the local key."""
    token = mint_token(OFFICERS[role], [role], agency, name=OFFICER_NAMES[role])
    return {"Authorization": f"Bearer {token}"}


def receivable(procedure: Json) -> bool:
    """What a desk can receive: the catalogue knows its documents, fee and processing time."""
    return bool(
        procedure["documents"]
        and procedure["documents_complete"]
        and procedure["fee_vnd"] is not None
        and procedure["processing_days"] is not None
    )


def reached(flow: Json, stage: Stage) -> bool:
    if stage in RESOLVING:
        return flow["status"] == RESOLVED
    first_step_done = bool(flow["handoffs"])
    if stage is Stage.REVIEWED:
        return first_step_done
    return first_step_done or flow["assignee"] is not None  # Stage.CLAIMED


def decision(planned: Planned) -> Json:
    if planned.dossier.stage is Stage.REJECTED:
        return {"outcome": "rejected", "decision_number": f"{planned.number:03d}/UBND-VX"}
    body: Json = {"outcome": "approved", "decision_number": f"{planned.number:03d}/QĐ-UBND"}
    if planned.procedure["is_benefit"]:
        body["payment"] = {}  # the programme's rules fix the amount
    return body


def missing_document(procedure: Json) -> Json:
    document = procedure["documents"][-1]
    return {"name": document["name"], "copy_kind": document["kind"], "count": document["count"]}


def summary(urls: Urls, results: list[tuple[Planned, Json, Json]]) -> str:
    lines = [f"{'Case':<22} {'Channel':<7} {'Intake status':<24} {'Workflow status':<20} Procedure"]
    for planned, case, flow in results:
        lines.append(
            f"{case['code']:<22} {planned.dossier.channel:<7} {case['status']['label']:<24} "
            f"{flow.get('status_name', ''):<20} {planned.procedure['name'][:50]}"
        )
    first = results[0]
    lines += [
        "",
        f"Citizen lookup: POST {urls.intake}/lookup "
        f'{{"code": "{first[1]["code"]}", "id_number": "{first[0].dossier.citizen.citizen_id}"}}',
        f"Dashboard: {urls.reporting}/dashboard   Mail: {urls.sinks}/mail   SMS: {urls.sinks}/sms",
    ]
    return "\n".join(lines)


def load(demo: Demo) -> list[tuple[Planned, Json, Json]]:
    """Every planned dossier taken to its stage, its progress on standard error."""
    planned = demo.plan()
    results = []
    with Progress("demo", total=len(planned), unit="dossiers") as progress:
        for dossier in planned:
            results.append((dossier, *demo.run(dossier)))
            progress.advance()
    return results


def main() -> int:
    urls = Urls.of(StackConfig.from_env())
    with httpx.Client(timeout=10) as client:
        demo = Demo(urls, client)
        try:
            results = load(demo)
        except (DemoError, httpx.HTTPError) as error:
            print(f"demo: error: {error}", file=sys.stderr)
            return 1
    print(summary(urls, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
