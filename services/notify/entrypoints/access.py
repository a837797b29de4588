"""Who may call each notify route (enforced by ``shared.http.access``).

The desk handles citizens' requests about messages (resend, stop, start again); managers and
administrators look into deliveries when a citizen complains.
"""

from shared.http.access import Rules, officers
from shared.officers import OfficerRole as R

DESK = officers(R.RECEPTION_CLERK, R.MANAGER, R.ADMIN)

ACCESS: Rules = {
    ("GET", "/cases/{code}/deliveries"): DESK,
    ("POST", "/deliveries/{delivery_id}/resend"): DESK,
    ("POST", "/opt-outs"): DESK,
    ("POST", "/opt-outs/status"): DESK,
    ("POST", "/opt-outs/removals"): DESK,
}
