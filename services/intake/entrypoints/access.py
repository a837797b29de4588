"""Who may call each intake route (enforced by ``shared.http.access``)."""

from shared.http.access import AUDITORS, Rules, officers, public
from shared.officers import OfficerRole as R

CATALOGUE = public("the catalogue of procedures and agencies is published by law")
CITIZEN = public("citizens, identified by case code and ID number, rate limited")

ACCESS: Rules = {
    ("GET", "/procedures"): CATALOGUE,
    ("GET", "/procedures/{code}"): CATALOGUE,
    ("GET", "/procedures/{code}/agencies"): CATALOGUE,
    ("GET", "/agencies"): CATALOGUE,
    # The desk receives in person and by post; the portal's account files online dossiers.
    ("POST", "/cases"): officers(R.RECEPTION_CLERK, R.PORTAL),
    ("GET", "/cases/{code}"): officers(R.RECEPTION_CLERK, R.MANAGER, R.ADMIN),
    ("GET", "/cases/{code}/receipt.pdf"): officers(R.RECEPTION_CLERK),
    ("POST", "/cases/{code}/supplements"): officers(R.RECEPTION_CLERK),
    # The desk checks online dossiers: received (status 2) or refused with form 03 (status 3).
    ("POST", "/cases/{code}/acceptance"): officers(R.RECEPTION_CLERK),
    ("POST", "/cases/{code}/refusal"): officers(R.RECEPTION_CLERK),
    ("GET", "/cases/{code}/receipt"): officers(R.RECEPTION_CLERK, R.MANAGER),
    ("GET", "/cases/{code}/refusal"): officers(R.RECEPTION_CLERK, R.MANAGER),
    ("GET", "/cases/{code}/refusal.pdf"): officers(R.RECEPTION_CLERK, R.MANAGER),
    ("POST", "/cases/{code}/result-returned"): officers(R.RECEPTION_CLERK),
    # Dossiers handled on paper before the system: a data migration, the administrator's job.
    ("POST", "/register-entries"): officers(R.ADMIN),
    ("POST", "/lookup"): CITIZEN,
    ("POST", "/cases/{code}/rating"): CITIZEN,
    # The citizen page: the same lookup and rating as HTML forms.
    ("GET", "/tra-cuu"): CITIZEN,
    ("POST", "/tra-cuu"): CITIZEN,
    ("POST", "/tra-cuu/danh-gia"): CITIZEN,
    ("GET", "/tra-cuu/giao-dien.css"): public("the citizen page's style sheet"),
    ("GET", "/audit"): AUDITORS,
}
