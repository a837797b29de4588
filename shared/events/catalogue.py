"""Every event type we publish: the topics external systems subscribe to (a public contract)."""

from shared.events.decisions import (
    AppointmentRescheduled,
    CaseResolved,
    CaseWithdrawn,
    PaymentApproved,
    ProcessingStopped,
)
from shared.events.intake import (
    CaseRated,
    CaseRecorded,
    CaseRefused,
    CaseSubmitted,
    ResultReturned,
    SupplementReceived,
)
from shared.events.notify import NotificationFailed, NotificationSent
from shared.events.registry import Catalogue, EventSpec
from shared.events.workflow import (
    CaseTransferred,
    DeadlineWarning,
    FeeRequested,
    ProcessingResumed,
    StepCompleted,
    SupplementRequested,
)

APPLICANT = ("applicant.full_name", "applicant.citizen_id", "applicant.date_of_birth")
# An organisation's tax code is not listed: it names a business, published in the business
# register, not a person.
REPRESENTATIVE = ("representative.full_name", "representative.citizen_id", "representative.phone")
CONTACT = ("applicant.full_name", "applicant.phone", "applicant.email")
NOTIFICATION = ("recipient",)

CATALOGUE = Catalogue(
    [
        EventSpec(
            "case-submitted",
            1,
            CaseSubmitted,
            "intake",
            "A dossier was received and given its case code and appointment date.",
            (
                *APPLICANT,
                "applicant.phone",
                "applicant.email",
                "applicant.address",
                *REPRESENTATIVE,
                "received_by",
            ),
        ),
        EventSpec(
            "case-refused",
            1,
            CaseRefused,
            "intake",
            "The desk refused to receive an online dossier (form 03), with its reasons.",
            (*CONTACT, "refused_by"),
        ),
        EventSpec(
            "supplement-received",
            1,
            SupplementReceived,
            "intake",
            "The applicant brought the missing documents.",
            ("received_by",),
        ),
        EventSpec(
            "result-returned",
            1,
            ResultReturned,
            "intake",
            "The result was handed to the applicant.",
            ("returned_by",),
        ),
        EventSpec("case-rated", 1, CaseRated, "intake", "The applicant rated the service."),
        EventSpec(
            "case-recorded",
            1,
            CaseRecorded,
            "intake",
            "A dossier handled before the system, entered from the paper register: its history "
            "at once, reported at its own dates, never processed or notified.",
            ("recorded_by",),
        ),
        EventSpec(
            "step-completed",
            1,
            StepCompleted,
            "workflow",
            "A processing step was handed on, with its timeliness.",
            ("assignee",),
        ),
        EventSpec(
            "case-transferred",
            1,
            CaseTransferred,
            "workflow",
            "An interlinked case passed from one agency to the next, with its timeliness.",
            ("given_by", "notes"),
        ),
        EventSpec(
            "supplement-requested",
            1,
            SupplementRequested,
            "workflow",
            "The dossier needs more documents; the case waits for the applicant.",
            (*CONTACT, "requested_by"),
        ),
        EventSpec(
            "fee-requested", 1, FeeRequested, "workflow", "The applicant must pay a fee first."
        ),
        EventSpec(
            "processing-resumed",
            1,
            ProcessingResumed,
            "workflow",
            "A supplement or fee wait ended; processing goes on with a new due date.",
            ("resumed_by",),
        ),
        EventSpec(
            "appointment-rescheduled",
            1,
            AppointmentRescheduled,
            "workflow",
            "The agency apologised for a late case and set a new appointment.",
            (*CONTACT, "signed_by"),
        ),
        EventSpec(
            "processing-stopped",
            1,
            ProcessingStopped,
            "workflow",
            "Processing of the case stopped.",
            (*CONTACT, "stopped_by"),
        ),
        EventSpec(
            "case-withdrawn",
            1,
            CaseWithdrawn,
            "workflow",
            "The applicant withdrew the dossier; processing ended (status 7, not a stop).",
            (*CONTACT, "recorded_by"),
        ),
        EventSpec(
            "case-resolved",
            1,
            CaseResolved,
            "workflow",
            "The case was approved or rejected.",
            CONTACT,
        ),
        EventSpec(
            "payment-approved",
            1,
            PaymentApproved,
            "workflow",
            "An approved benefit case decided a payment.",
            ("beneficiary.full_name", "beneficiary.citizen_id", *CONTACT),
        ),
        EventSpec(
            "deadline-warning",
            1,
            DeadlineWarning,
            "workflow",
            "A case in progress is close to or past its due date.",
        ),
        EventSpec(
            "notification-sent",
            1,
            NotificationSent,
            "notify",
            "A message to the applicant was accepted by the provider.",
            NOTIFICATION,
        ),
        EventSpec(
            "notification-failed",
            1,
            NotificationFailed,
            "notify",
            "A message to the applicant could not be delivered.",
            NOTIFICATION,
        ),
    ]
)
