"""Who may call each workflow route (enforced by ``shared.http.access``).

The rule admits the roles that can ever act; the domain then checks the case: the step's role,
the officer's agency, who holds the step, and separation of duties.
"""

from shared.http.access import AUDITORS, Rules, officers
from shared.officers import OfficerRole as R

STAFF = officers(R.RECEPTION_CLERK, R.SPECIALIST, R.LEADER, R.CLERICAL_OFFICER, R.MANAGER, R.ADMIN)
WORKERS = officers(R.RECEPTION_CLERK, R.SPECIALIST, R.LEADER, R.CLERICAL_OFFICER)

ACCESS: Rules = {
    ("GET", "/cases"): STAFF,
    ("GET", "/cases/{code}"): STAFF,
    ("GET", "/cases/{code}/control-slip"): STAFF,
    ("GET", "/cases/{code}/control-slip.html"): STAFF,
    ("POST", "/cases/{code}/claim"): WORKERS,
    ("POST", "/cases/{code}/assign"): officers(R.LEADER, R.MANAGER),
    ("POST", "/cases/{code}/steps/complete"): WORKERS,
    ("POST", "/cases/{code}/supplement-requests"): officers(R.SPECIALIST, R.RECEPTION_CLERK),
    ("POST", "/cases/{code}/fee-requests"): officers(R.SPECIALIST, R.RECEPTION_CLERK),
    ("POST", "/cases/{code}/fee-payments"): officers(R.SPECIALIST, R.RECEPTION_CLERK),
    ("POST", "/cases/{code}/apology"): officers(R.LEADER),
    ("POST", "/cases/{code}/stop"): officers(R.LEADER),
    ("POST", "/cases/{code}/decision"): officers(R.LEADER),
    ("POST", "/cases/{code}/handover"): officers(R.RECEPTION_CLERK),
    # The applicant asks at the desk; its clerk records the withdrawal (status 7).
    ("POST", "/cases/{code}/withdrawal"): officers(R.RECEPTION_CLERK),
    # Printable forms 02, 04, 05, 06 (HTML or PDF) and the agency's tracking book (07).
    ("GET", "/cases/{code}/supplement-request"): STAFF,
    ("GET", "/cases/{code}/supplement-request.pdf"): STAFF,
    ("GET", "/cases/{code}/apology"): STAFF,
    ("GET", "/cases/{code}/apology.pdf"): STAFF,
    ("GET", "/cases/{code}/stop-notice"): STAFF,
    ("GET", "/cases/{code}/stop-notice.pdf"): STAFF,
    ("GET", "/cases/{code}/control-slip.pdf"): STAFF,
    ("GET", "/cases/tracking-book"): STAFF,
    ("GET", "/audit"): AUDITORS,
}
