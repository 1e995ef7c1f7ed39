"""The admin's part of the matrix: its own pages, and what may be done with each model.

Only accounts flagged ``is_staff`` open the admin: in the cast, that is the superuser
``admin``; every other actor is sent to sign in from every admin URL. For the superuser,
each registered model says which of its pages open (200) and which are refused (403);
a page of an object that does not exist sends them back to the admin's index (302).
test_admin.py also proves the complaint list obeys the access policy for a staff member
who was given the admin flag and the right to view complaints, and that the models of
ROLE_GATED_MODELS (the audit log) open for exactly the roles the policy gives them.

A newly registered model fails test_coverage until it is added to ADMIN_MODELS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

VIEWS = ("changelist", "add", "change", "history", "delete")
EDIT = frozenset(VIEWS)
NO_ADD = EDIT - {"add"}  # created elsewhere (a command, the outbox, sign-in)
READ_ONLY = frozenset({"changelist", "change", "history"})  # change: a read-only page

ADMIN_MODELS: dict[str, frozenset[str]] = {
    "auth.group": EDIT,
    "django_tasks_database.dbtaskresult": READ_ONLY,
    "accounts.user": EDIT,
    "accounts.apitoken": NO_ADD,  # issued by `anju token create`, which shows the key once
    "accounts.twofactor": READ_ONLY,
    "accounts.signinthrottle": NO_ADD,
    "audit.auditentry": READ_ONLY,  # append-only
    "estates.company": EDIT,
    "estates.estate": EDIT,
    "estates.building": EDIT,
    "estates.unit": EDIT,
    "estates.room": EDIT,
    "estates.facility": EDIT,
    "estates.resident": EDIT,
    "staff.department": EDIT,
    "staff.staffprofile": EDIT,
    "complaints.category": EDIT,
    "complaints.complaint": READ_ONLY,  # complaints change only through the services
    "notify.message": NO_ADD,
    "notify.messagetemplate": EDIT,
    "notify.contactpreference": EDIT,
    "worker.periodicjob": EDIT,
    "bus.delivery": READ_ONLY,  # written with each event; dead letters retried by an admin action
    "triage.keywordrule": EDIT,
    "triage.suggestion": READ_ONLY,  # made by triage, decided in the console
    "warnings.warning": READ_ONLY,  # raised by the sweeps; acknowledged with an admin action
    "warnings.patternsettings": EDIT,
    "sla.policy": EDIT,
    "sla.estatehours": EDIT,
    "sla.calendaroverride": EDIT,
    "routing.routingsettings": EDIT,
    "routing.estateroute": EDIT,
    "routing.routedecision": READ_ONLY,  # written when a complaint is dispatched
    "routing.incident": READ_ONLY,  # grouped by intake and the sweep
    "visits.returnvisit": READ_ONLY,  # opened on resolve; worked on the console's call screen
    "visits.surveyresponse": READ_ONLY,  # written by the survey service
}

# Models whose admin pages are opened by a capability of anju/staff/policy.py rather than
# by Django's model permissions (their ModelAdmin overrides has_view_permission or
# has_module_permission): model → who may, among staff given the admin flag (policy.py).
# test_admin.py proves each for every staff actor; test_coverage fails for an admin that
# decides by itself without a row here.
ROLE_GATED_MODELS: dict[str, str] = {
    "audit.auditentry": "READS_AUDIT",  # the audit log: quality, administrators, superusers
}


@dataclass(frozen=True)
class AdminPage:
    path: str
    superuser: frozenset[int]  # what the superuser gets
    method: str = "get"
    public: bool = False  # anyone may open it (sign-in, sign-out)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _s(*codes: int) -> frozenset[int]:
    return frozenset(codes)


ADMIN_SITE: dict[str, AdminPage] = {
    "admin/": AdminPage("/admin/", _s(200)),
    "admin/login/": AdminPage("/admin/login/", _s(200, 302), public=True),
    "admin/logout/": AdminPage("/admin/logout/", _s(200, 302), method="post", public=True),
    "admin/password_change/": AdminPage("/admin/password_change/", _s(200)),
    "admin/password_change/done/": AdminPage("/admin/password_change/done/", _s(200)),
    "admin/autocomplete/": AdminPage("/admin/autocomplete/", _s(403)),  # needs parameters
    "admin/jsi18n/": AdminPage("/admin/jsi18n/", _s(200)),
    # Complaints have no page outside the admin to send anyone to.
    "admin/r/<path:content_type_id>/<path:object_id>/": AdminPage("/admin/r/{ct}/{id}/", _s(404)),
    "admin/<app_label>/": AdminPage("/admin/complaints/", _s(200)),
    "admin/<url>": AdminPage("/admin/no-such-page/", _s(404)),
}


def model_key(model: Any) -> str:
    return model._meta.label_lower


def site_key(pattern: str) -> str:
    """The admin's regex patterns under readable names (app index, catch-all)."""
    pattern = re.sub(r"\^\(\?P<app_label>[^)]*\)/\$$", "<app_label>/", pattern)
    return re.sub(r"\(\?P<url>\.\*\)\$$", "<url>", pattern)


def model_urls(model: Any, pk: Any) -> dict[str, str]:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return {"changelist": base, "add": f"{base}add/", "change": f"{base}{pk}/change/",
            "history": f"{base}{pk}/history/", "delete": f"{base}{pk}/delete/"}
