"""Officer actions and reads over HTTP.

Officers authenticate with a bearer token (``shared.http.access``; rules in ``access.py``).
Refusals: 401 no valid token, 404 unknown case, 409 the case's state does not allow the action,
403 the officer's role, agency, assignment or duties do not, 422 bad input. Each carries
``{"detail": [{"field", "reason"}]}``.
"""

from typing import Annotated, cast

from fastapi import APIRouter, Depends, Query, Request

from services.workflow.adapters.repository import QueueFilter
from services.workflow.domain import commands as c
from services.workflow.domain.records import Status
from services.workflow.entrypoints import form_routes
from services.workflow.service_layer.handlers import Workflow
from services.workflow.service_layer.views import (
    CaseView,
    ControlSlip,
    QueueItem,
    case_view,
    control_slip,
    queue_item,
)
from shared.http.access import CurrentOfficer
from shared.http.openapi import refusals
from shared.officers import Officer, OfficerRole

router = APIRouter(prefix="/cases", tags=["xử lý hồ sơ"])
# The printable forms first: /cases/tracking-book must come before /cases/{code}.
form_routes.add_form_routes(router)


def workflow(request: Request) -> Workflow:
    return cast(Workflow, request.app.state.container.workflow)


WorkflowDep = Annotated[Workflow, Depends(workflow)]

READ = refusals(
    {
        403: "The token's roles do not allow this, or the case has not reached the officer's "
        "agency.",
        404: "No case with this code in processing.",
    }
)
ACT = {
    **READ,
    **refusals(
        {
            403: "The token's roles, the officer's agency, the step's assignee or separation of "
            "duties (who received or worked a case does not decide it) do not allow this.",
            409: "The case's state does not allow this action now (the reason says why), or "
            "another action on it is in progress (`Retry-After`).",
            422: "Invalid input, or a rule on the case's data refused it (e.g. the new "
            "appointment must come after the current one; a payment must equal the programme's "
            "rate at the decision's date; an unknown programme); the reason names the rule.",
        }
    ),
}


async def act(flow: Workflow, code: str, command: c.Command, who: Officer) -> CaseView:
    return case_view(await flow.act(code, command, who), flow.clock.now())


@router.get("", summary="Work queue of the officer's agency: overdue and earliest due first")
async def work_queue(
    flow: WorkflowDep,
    who: CurrentOfficer,
    step: Annotated[str | None, Query(max_length=64)] = None,
    assignee: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[list[Status] | None, Query(max_length=10)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[QueueItem]:
    agency = None if OfficerRole.ADMIN in who.roles else who.agency
    filter_ = QueueFilter(agency, step, assignee, **({"statuses": status} if status else {}))
    now = flow.clock.now()
    return [QueueItem(**queue_item(i, now)) for i in await flow.views.queue(filter_, limit)]


@router.get(
    "/{code}", summary="A case in processing, with its hand-offs and audit trail", responses=READ
)
async def get_case(code: str, flow: WorkflowDep, who: CurrentOfficer) -> CaseView:
    return case_view(await flow.read(code, who), flow.clock.now())


@router.get(
    "/{code}/control-slip", summary="Processing control slip (form 06) as JSON", responses=READ
)
async def get_control_slip(code: str, flow: WorkflowDep, who: CurrentOfficer) -> ControlSlip:
    return control_slip(await flow.read(code, who))


@router.post("/{code}/claim", summary="Take the current step", responses=ACT)
async def claim(code: str, flow: WorkflowDep, who: CurrentOfficer) -> CaseView:
    return await act(flow, code, c.Claim(), who)


@router.post(
    "/{code}/assign", summary="Give the current step to an officer (leader, manager)", responses=ACT
)
async def assign(code: str, body: c.Assign, flow: WorkflowDep, who: CurrentOfficer) -> CaseView:
    return await act(flow, code, body, who)


@router.post(
    "/{code}/steps/complete", summary="Complete a review step and forward the case", responses=ACT
)
async def complete_step(
    code: str, flow: WorkflowDep, who: CurrentOfficer, body: c.CompleteStep | None = None
) -> CaseView:
    return await act(flow, code, body or c.CompleteStep(), who)


@router.post(
    "/{code}/supplement-requests", summary="Request a supplement (form 02, status 5)", responses=ACT
)
async def request_supplement(
    code: str, body: c.RequestSupplement, flow: WorkflowDep, who: CurrentOfficer
) -> CaseView:
    return await act(flow, code, body, who)


@router.post("/{code}/fee-requests", summary="Request a fee (status 6)", responses=ACT)
async def request_fee(
    code: str, body: c.RequestFee, flow: WorkflowDep, who: CurrentOfficer
) -> CaseView:
    return await act(flow, code, body, who)


@router.post(
    "/{code}/fee-payments", summary="Record the fee paid; processing resumes", responses=ACT
)
async def record_fee_payment(
    code: str, body: c.RecordFeePayment, flow: WorkflowDep, who: CurrentOfficer
) -> CaseView:
    return await act(flow, code, body, who)


@router.post("/{code}/apology", summary="Apology and new appointment (form 04)", responses=ACT)
async def apologise(
    code: str, body: c.Apologise, flow: WorkflowDep, who: CurrentOfficer
) -> CaseView:
    return await act(flow, code, body, who)


@router.post("/{code}/stop", summary="Stop processing (form 05, status 8)", responses=ACT)
async def stop(
    code: str, body: c.StopProcessing, flow: WorkflowDep, who: CurrentOfficer
) -> CaseView:
    return await act(flow, code, body, who)


@router.post(
    "/{code}/decision",
    summary="Approve or reject with the decision's number (leader)",
    responses=ACT,
)
async def decide(code: str, body: c.Decide, flow: WorkflowDep, who: CurrentOfficer) -> CaseView:
    return await act(flow, code, body, who)


@router.post("/{code}/handover", summary="The desk receives the result (status 9)", responses=ACT)
async def hand_over(
    code: str, flow: WorkflowDep, who: CurrentOfficer, body: c.HandOver | None = None
) -> CaseView:
    return await act(flow, code, body or c.HandOver(), who)


@router.post(
    "/{code}/withdrawal",
    summary="Record the applicant's withdrawal, asked at the desk (status 7, not a stop)",
    responses=ACT,
)
async def record_withdrawal(
    code: str, body: c.RecordWithdrawal, flow: WorkflowDep, who: CurrentOfficer
) -> CaseView:
    return await act(flow, code, body, who)
