"""Who may call each reporting route (enforced by ``shared.http.access``).

Reports hold aggregates only, no personal data (the projection keeps none), and the one-stop
shop's results are published to the public (Decree 61/2018/NĐ-CP art. 32; the service indexes of
Decision 766/QĐ-TTg are public), so they need no token.
"""

from shared.http.access import AUDITORS, Rules, officers, public
from shared.officers import OfficerRole as R

AGGREGATES = public("aggregate figures without personal data, published by law")
# The Decision 766/QĐ-TTg indicators are for directing and assessing the service: officers only.
DIRECTION = officers(R.MANAGER, R.LEADER, R.ADMIN)
# Sending a refused record again changes what the portal holds: administrators, audited.
PORTAL_OPERATORS = officers(R.ADMIN)

ACCESS: Rules = {
    ("GET", "/reports/one-stop"): AGGREGATES,
    ("GET", "/reports/payments"): AGGREGATES,
    ("GET", "/reports/satisfaction"): AGGREGATES,
    ("GET", "/reports/dimensions"): AGGREGATES,
    ("GET", "/dashboard"): AGGREGATES,
    ("GET", "/reports/service-quality"): DIRECTION,
    ("POST", "/portal/records/{code}/resend"): PORTAL_OPERATORS,
    ("GET", "/audit"): AUDITORS,
}
