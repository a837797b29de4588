"""Who may call each notify route (enforced by ``shared.http.access``).

The desk handles citizens' requests about messages (resend, stop, start again); managers and
administrators look into deliveries when a citizen complains.
"""

from services.notify.service_layer.officers import DESK_ROLES
from shared.http.access import AUDITORS, Rules, officers

DESK = officers(*DESK_ROLES)

ACCESS: Rules = {
    ("GET", "/cases/{code}/deliveries"): DESK,
    ("POST", "/deliveries/{delivery_id}/resend"): DESK,
    ("POST", "/deliveries/search"): DESK,
    ("POST", "/opt-outs"): DESK,
    ("POST", "/opt-outs/status"): DESK,
    ("POST", "/opt-outs/removals"): DESK,
    ("GET", "/audit"): AUDITORS,
}
