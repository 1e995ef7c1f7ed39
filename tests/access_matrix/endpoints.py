"""THE MATRIX TABLE: every URL of the project and every API operation, and how to probe it.

test_coverage.py fails when the project has a URL pattern or an API operation that is not
listed here. To add one, add a row below, keyed exactly as the failure message shows it:

* ``ROUTES``         — URL patterns as Django's resolver spells them (``console/c/<str:number>/``);
* ``API_OPERATIONS`` — operationIds of /api/v1/openapi.json;
* ``ADMIN_SITE`` / ``ADMIN_MODELS`` (tests/access_matrix/admin_table.py) — the admin.

Pick the row type that says who may use the endpoint; the tests then probe it as every
actor (policy.ACTORS) on every kind of complaint (policy.KINDS) and a missing one:

* ``Read(interface, path)``   — GET a page or document of one complaint; the access policy
  (policy.SEES_*) decides: ``ok`` when the actor sees it, else ``hidden`` (404, the same
  answer as for a number that does not exist);
* ``Act(interface, path, action)`` — POST a change; visible and ``policy.may_act`` → ``done``
  (one new event), visible but not allowed → ``refused``, else ``hidden``; refused or hidden
  writes must leave the database as it was. A new action of the transition table needs a
  console and an API row (test_coverage checks) and a body in payloads.py;
* ``File(path)``              — an attachment download, decided like ``Read``;
* ``List(interface, path)``   — a list or search of complaints: exactly the visible ones;
* ``Intake(interface, path)`` — recording a new complaint (policy.RECORDS_IN);
* ``Reference(path)``         — API reference data any signed-in caller may read;
* ``OwnAccount(path)``        — a staff member's own account (password, second factor): any
  signed-in staff member, about themselves only; never shows a complaint;
* ``Reveal(interface, path)`` — showing a complainant's masked contact details in full
  (test_reveal.py): visible and ``policy.may_reveal`` → ``revealed`` (the data, and one
  ``pii.reveal`` audit entry), visible but not allowed → ``refused``, else ``hidden``;
* ``Public(path)``            — open to everyone; must never show a complaint.
* ``WarningBoard(path)`` / ``WarningWrite(path, write)`` — the warnings board and the
  acknowledge / comment of one warning (test_warnings.py): only ``policy.WATCHES_WARNINGS``;
  the board lists exactly the warnings about complaints they see, a write on a warning
  about a complaint they do not see is ``hidden``.

* ``VisitStart(path)`` — the complaint page's one way to its return visit (test_visits.py):
  the desk roles (policy.VISITS) who see the resolved complaint are sent to the call screen
  of its open visit, opened now if need be; other roles are refused, others hidden;
* ``VisitList`` / ``VisitPage``, ``Reports``, ``Stats``, ``Export`` — return visits, monthly
  reports, statistics and their downloads: each decided by a capability of
  anju/staff/policy.py (policy.VISITS, READS_REPORTS / BUILDS_REPORTS, READS_STATS,
  EXPORTS_STATS) and the actor's reach; test_coverage checks every page of theirs has one.

The administration and the audit log are in admin_table.py; the capability table itself,
role by role, in test_capabilities.py; the console's menu in test_menu.py; the second
factor in test_two_factor.py.

A page that fits none of these (a reveal of masked data…) gets its own row type
and test in this folder, in the same shape: an explicit table of who may, checked for
every actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from anju.complaints.models import Status
from anju.complaints.transitions import TABLE, Console
from tests.access_matrix.interfaces import API, CONSOLE, FILES, PORTAL

Row = object  # any of the row types below

# Reads are tried before dispatch (no department yet), after (in engineering) and once closed.
READ_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.CLOSED)


@dataclass(frozen=True)
class Read:
    interface: str
    path: str  # "{number}" is replaced by the complaint's number
    statuses: tuple[str, ...] = READ_STATUSES

    def __str__(self) -> str:
        return f"GET {self.path}"


@dataclass(frozen=True)
class Act:
    interface: str
    path: str  # "{number}", and for the console "{form}" (payloads.console_form)
    action: str  # the transition whose roles decide, and whose event a success appends
    write: str = "act"  # "act", "note" (API notes) or "upload" (API attachments)

    def __str__(self) -> str:
        return f"POST {self.path.replace('{form}', self.action)} [{self.action}]"


@dataclass(frozen=True)
class File:
    path: str = "/files/{id}/"
    interface: str = FILES
    statuses: tuple[str, ...] = READ_STATUSES

    def __str__(self) -> str:
        return f"GET {self.path}"


@dataclass(frozen=True)
class List:
    interface: str
    path: str

    def __str__(self) -> str:
        return f"GET {self.path}"


@dataclass(frozen=True)
class Intake:
    interface: str
    path: str

    def __str__(self) -> str:
        return f"POST {self.path}"


@dataclass(frozen=True)
class Reference:
    path: str
    interface: str = API

    def __str__(self) -> str:
        return f"GET {self.path}"


@dataclass(frozen=True)
class OwnAccount:
    path: str
    interface: str = CONSOLE

    def __str__(self) -> str:
        return f"GET {self.path}"


@dataclass(frozen=True)
class Reveal:
    interface: str
    path: str

    def __str__(self) -> str:
        return f"POST {self.path}"


@dataclass(frozen=True)
class Public:
    path: str
    method: str = "get"
    statuses: frozenset[int] = field(default_factory=lambda: frozenset({200, 302}))

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass(frozen=True)
class WarningBoard:
    path: str
    interface: str = CONSOLE

    def __str__(self) -> str:
        return f"GET {self.path}"


@dataclass(frozen=True)
class WarningWrite:
    path: str  # "{id}" is replaced by the warning's id
    write: str  # "acknowledge", "comment" or "retry" (a dead letter's)
    interface: str = CONSOLE

    def __str__(self) -> str:
        return f"POST {self.path}"


@dataclass(frozen=True)
class VisitList:
    """The return-visit list (anju/visits, test_visits.py): the desk roles (policy.VISITS)
    see exactly the open visits of the complaints they see; everyone else is refused."""

    path: str
    interface: str = CONSOLE

    def __str__(self) -> str:
        return f"GET {self.path}"


@dataclass(frozen=True)
class VisitPage:
    """One return visit's call screen (GET) or one of its writes (POST, ``write`` names the
    form): visible and in policy.VISITS → ok/done, else refused or hidden like a missing id."""

    path: str  # "{id}" is replaced by the visit's id
    write: str = ""  # "" for the page; "attempt", "survey", "close", "link"
    interface: str = CONSOLE

    def __str__(self) -> str:
        return f"{'POST' if self.write else 'GET'} {self.path}"


@dataclass(frozen=True)
class VisitStart:
    """POST from a complaint page to its return visit's call screen ("{number}"): the desk
    roles (policy.VISITS) who see the resolved complaint are sent to the call screen of its
    open visit (opened now when there is none: one open visit); other roles are refused
    (403) before the complaint is looked at, a complaint they do not see answers like a
    number that does not exist; refusals change nothing."""

    path: str
    interface: str = CONSOLE

    def __str__(self) -> str:
        return f"POST {self.path}"


# The actions the console takes on the return visit's call screen (Console.RETURN_VISIT),
# and the VisitPage write that performs each (test_visits.py probes them as every actor).
ON_THE_CALL_SCREEN = {"rate": "survey", "rate_reopen": "survey", "close_unreachable": "close"}


@dataclass(frozen=True)
class Reports:
    """The monthly reports (anju/analytics, test_reports.py): ``list`` (GET), ``download``
    (GET, "{id}" replaced by a report's id) or ``build`` (POST). Readers (policy.READS_REPORTS)
    list and download exactly the reports in policy.REPORT_REACH, another one is hidden
    like a missing id; builders (policy.BUILDS_REPORTS) build within that reach; everyone
    else is refused."""

    path: str
    use: str  # "list", "download" or "build"
    interface: str = CONSOLE

    def __str__(self) -> str:
        return f"{'POST' if self.use == 'build' else 'GET'} {self.path}"


@dataclass(frozen=True)
class Stats:
    """A statistics page (anju/analytics, test_stats.py): ``use`` is "dashboard", "league",
    "estate" ("{estate}" replaced by estate a's or b's id) or "department" ("{department}"
    by engineering's or environment's). Readers (policy.READS_STATS) get 200 with figures
    counting exactly the complaints they see, and 404 for an estate or department outside
    their reach; everyone else is refused (403) before anything is counted."""

    path: str
    use: str
    interface: str = CONSOLE

    def __str__(self) -> str:
        return f"GET {self.path}"


@dataclass(frozen=True)
class Export:
    """A download of statistics (anju/analytics/exports.py, test_exports.py): the page at
    ``path`` with ``?format=`` ``fmt`` ("xlsx" or "csv"). Exporters (policy.EXPORTS_STATS)
    get the file, its figures counting exactly the complaints they see; everyone else is
    refused (403) before anything is counted, and gets no file."""

    path: str
    fmt: str
    interface: str = CONSOLE

    def __str__(self) -> str:
        return f"GET {self.path}?format={self.fmt}"


def _console_acts() -> tuple[Act, ...]:
    # The actions with a form on the complaint page; the others: ON_THE_CALL_SCREEN.
    return tuple(Act(CONSOLE, "/console/c/{number}/act/{form}/", a)
                 for a, t in TABLE.items() if t.console == Console.FORM)


def _api_acts() -> tuple[Act, ...]:
    return tuple(Act(API, "/api/v1/complaints/{number}/actions/" + a, a) for a in TABLE)


ROUTES: dict[str, tuple[Row, ...]] = {
    "": (Public("/", statuses=frozenset({302})),),
    "i18n/setlang/": (Public("/i18n/setlang/", method="post", statuses=frozenset({302})),),
    # The staff console
    "console/": (List(CONSOLE, "/console/"),),
    "console/login/": (Public("/console/login/"),),
    "console/login/code/": (Public("/console/login/code/"),),  # the second step of signing in
    "console/two-factor/": (OwnAccount("/console/two-factor/"),),
    "console/password/": (OwnAccount("/console/password/"),),
    # In-app notifications (anju.notify): one's own bell; complaints shown only if visible.
    "console/notifications/": (OwnAccount("/console/notifications/"),),
    "portal/notifications/": (OwnAccount("/portal/notifications/", interface=PORTAL),),
    "portal/settings/": (OwnAccount("/portal/settings/", interface=PORTAL),),
    "console/logout/": (Public("/console/logout/", method="post", statuses=frozenset({302})),),
    "console/new/": (Intake(CONSOLE, "/console/new/"),),
    "console/c/<str:number>/": (Read(CONSOLE, "/console/c/{number}/"),),
    "console/c/<str:number>/act/<slug:action>/": _console_acts(),
    "console/c/<str:number>/reveal/": (Reveal(CONSOLE, "/console/c/{number}/reveal/"),),
    "console/c/<str:number>/return-visit/": (VisitStart("/console/c/{number}/return-visit/"),),
    # Correcting a triage suggestion is a change of classification (accepting: tests/triage).
    "console/c/<str:number>/suggestion/": (Act(CONSOLE, "/console/c/{number}/suggestion/", "classify"),),
    # The warnings board (anju/warnings).
    "console/warnings/": (WarningBoard("/console/warnings/"),),
    "console/warnings/<int:pk>/acknowledge/": (WarningWrite("/console/warnings/{id}/acknowledge/",
                                                            "acknowledge"),),
    "console/warnings/<int:pk>/comment/": (WarningWrite("/console/warnings/{id}/comment/", "comment"),),
    "console/warnings/<int:pk>/retry/": (WarningWrite("/console/warnings/{id}/retry/", "retry"),),
    # Return visits (anju/visits): the list, the call screen and its writes.
    "console/visits/": (VisitList("/console/visits/"),),
    "console/visits/<int:pk>/": (VisitPage("/console/visits/{id}/"),),
    "console/visits/<int:pk>/attempt/": (VisitPage("/console/visits/{id}/attempt/", "attempt"),),
    "console/visits/<int:pk>/survey/": (VisitPage("/console/visits/{id}/survey/", "survey"),),
    "console/visits/<int:pk>/close/": (VisitPage("/console/visits/{id}/close/", "close"),),
    "console/visits/<int:pk>/link/": (VisitPage("/console/visits/{id}/link/", "link"),),
    # Monthly reports (anju/analytics): the list, "build now" and the download.
    "console/reports/": (Reports("/console/reports/", "list"),),
    "console/reports/build/": (Reports("/console/reports/build/", "build"),),
    "console/reports/<int:pk>/download/": (Reports("/console/reports/{id}/download/", "download"),),
    # Statistics (anju/analytics): dashboards and league tables.
    "console/stats/": (Stats("/console/stats/", "dashboard"),),
    "console/stats/estate/<int:pk>/": (Stats("/console/stats/estate/{estate}/", "estate"),),
    "console/stats/department/<int:pk>/": (Stats("/console/stats/department/{department}/",
                                                 "department"),),
    "console/stats/league/": (Stats("/console/stats/league/", "league"),
                              Export("/console/stats/league/", "xlsx"),
                              Export("/console/stats/league/", "csv")),
    # The signed-link survey: public; a token that is not valid shows no complaint (404).
    "survey/<str:token>/": (Public("/survey/not-a-valid-token/", statuses=frozenset({404})),),
    # The resident portal
    "portal/": (List(PORTAL, "/portal/"),),
    "portal/signin/": (Public("/portal/signin/"),),
    "portal/signin/code/": (Public("/portal/signin/code/"),),
    "portal/signout/": (Public("/portal/signout/", method="post", statuses=frozenset({302})),),
    "portal/new/": (Intake(PORTAL, "/portal/new/"),),
    "portal/c/<str:number>/": (Read(PORTAL, "/portal/c/{number}/"),),
    "portal/c/<str:number>/submitted/": (Read(PORTAL, "/portal/c/{number}/submitted/"),),
    "portal/c/<str:number>/rate/": (
        Read(PORTAL, "/portal/c/{number}/rate/", statuses=(Status.RESOLVED,)),
        Act(PORTAL, "/portal/c/{number}/rate/", "rate"),
        Act(PORTAL, "/portal/c/{number}/rate/", "rate_reopen")),
    "portal/c/<str:number>/more/": (
        Read(PORTAL, "/portal/c/{number}/more/", statuses=(Status.ASSIGNED,)),
        Act(PORTAL, "/portal/c/{number}/more/", "note")),
    "portal/c/<str:number>/withdraw/": (
        Read(PORTAL, "/portal/c/{number}/withdraw/", statuses=(Status.ASSIGNED,)),
        Act(PORTAL, "/portal/c/{number}/withdraw/", "withdraw")),
    # Attachments
    "files/<int:attachment_id>/": (File(),),
    # The API's own pages (its operations are API_OPERATIONS)
    "api/v1/openapi.json": (Public("/api/v1/openapi.json", statuses=frozenset({200})),),
    "api/v1/docs": (Public("/api/v1/docs", statuses=frozenset({200})),),
    "api/v1/": (Public("/api/v1/", statuses=frozenset({404})),),
    "api/v1/^": (Public("/api/v1/no-such-thing", statuses=frozenset({404})),),
}

API_OPERATIONS: dict[str, tuple[Row, ...]] = {
    "complaints_create": (Intake(API, "/api/v1/complaints"),),
    "complaints_list": (List(API, "/api/v1/complaints"),),
    "complaints_get": (Read(API, "/api/v1/complaints/{number}"),),
    "complaints_act": _api_acts(),
    "complaints_add_note": (Act(API, "/api/v1/complaints/{number}/notes", "note", write="note"),),
    "complaints_upload": (Act(API, "/api/v1/complaints/{number}/attachments", "note",
                              write="upload"),),
    "complaints_reveal": (Reveal(API, "/api/v1/complaints/{number}/reveal"),),
    "categories_list": (Reference("/api/v1/categories"),),
    "departments_list": (Reference("/api/v1/departments"),),
    "estates_list": (Reference("/api/v1/estates"),),
    "me_get": (Reference("/api/v1/me"),),
}


def rows(kind: type) -> list[Row]:
    """Every row of one type, from both tables, in table order."""
    found = []
    for table in (ROUTES, API_OPERATIONS):
        for entries in table.values():
            found.extend(row for row in entries if isinstance(row, kind))
    return found
