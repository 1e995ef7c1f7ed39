"""What the matrix expects: who sees which complaint, and who may take which action.

Written out here, independently of ``anju.complaints.access`` (asking the policy what
the policy allows would prove nothing). Only the roles of each action come from the
transition table, and ``CROSS_CHECKS`` pins a few of those by hand so a loosened table
is noticed too.
"""

from __future__ import annotations

from anju.complaints.models import Status
from anju.complaints.transitions import RESIDENT, TABLE
from anju.staff.models import Role

# Everyone the matrix acts as. The people behind the names are built in cast.py:
# agent / agent_b work at estate A / B; handler, handler_peer (engineering) and handler_env
# (environment) at A; supervisor supervises engineering at A; manager manages A; quality
# and admin (a superuser) reach every estate.
ACTORS = ("anonymous", "resident", "other_resident", "agent", "agent_b", "handler",
          "handler_peer", "handler_env", "supervisor", "manager", "quality", "admin")
ROLE: dict[str, str | None] = {
    "anonymous": None, "resident": RESIDENT, "other_resident": RESIDENT,
    "agent": Role.AGENT, "agent_b": Role.AGENT, "handler": Role.HANDLER,
    "handler_peer": Role.HANDLER, "handler_env": Role.HANDLER, "supervisor": Role.SUPERVISOR,
    "manager": Role.MANAGER, "quality": Role.QUALITY, "admin": Role.ADMIN,
}
STAFF = tuple(a for a in ACTORS if ROLE[a] not in (None, RESIDENT))
RESIDENTS = tuple(a for a in ACTORS if ROLE[a] == RESIDENT)

KINDS = ("own", "neighbour", "estate_b", "confidential")
MISSING = "missing"  # a well-formed number (or id) that does not exist

ALL = frozenset(KINDS)
# Who sees a complaint once it is dispatched (to engineering, with a handler: assigned on).
SEES_DISPATCHED: dict[str, frozenset[str]] = {
    "anonymous": frozenset(),
    "resident": frozenset({"own", "confidential"}),  # the complainant, confidential or not
    "other_resident": frozenset({"neighbour"}),
    "agent": frozenset({"own", "neighbour"}),
    "agent_b": frozenset({"estate_b"}),
    "handler": frozenset({"own", "neighbour"}),  # assigned; the confidential one stays closed
    "handler_peer": frozenset({"own", "neighbour"}),  # same department and estate
    "handler_env": frozenset(),  # another department
    "supervisor": frozenset({"own", "neighbour"}),  # supervises engineering at A
    "manager": frozenset({"own", "neighbour"}),
    "quality": ALL,
    "admin": ALL,
}
# Before dispatch no department is set: handlers and a departmental supervisor see none.
SEES_BEFORE_DISPATCH = {**SEES_DISPATCHED, "handler": frozenset(),
                        "handler_peer": frozenset(), "supervisor": frozenset()}
# Once finished (closed), a handler keeps the complaints they handled, but no longer sees
# their colleagues' ones.
SEES_FINISHED = {**SEES_DISPATCHED, "handler_peer": frozenset()}
UNDISPATCHED = frozenset({Status.RECEIVED, Status.VERIFIED})
FINISHED = frozenset({Status.CLOSED, Status.WITHDRAWN, Status.MERGED, Status.REFERRED_OUT})

# The handler every dispatched complaint of estate A is assigned to.
ASSIGNEE = "handler"

# Where each action is tried: a status it may start from, chosen so that as many actors
# as possible can see the complaint (then a refusal is about the role, not about reach).
PROBE_STATUS = {
    "verify": Status.RECEIVED, "refer_out": Status.VERIFIED, "assign": Status.VERIFIED,
    "reassign": Status.ASSIGNED, "accept": Status.ASSIGNED, "hold": Status.IN_PROGRESS,
    "resume": Status.ON_HOLD, "resolve": Status.IN_PROGRESS, "rate": Status.RESOLVED,
    "rate_reopen": Status.RESOLVED, "close_unreachable": Status.RESOLVED,
    "reopen": Status.CLOSED, "withdraw": Status.ASSIGNED, "merge": Status.ASSIGNED,
    "escalate": Status.IN_PROGRESS, "note": Status.ASSIGNED, "contact": Status.ASSIGNED,
    "classify": Status.ASSIGNED,
}
# merge: the duplicate goes into this sibling of the same kind.
MERGE_INTO_STATUS = Status.IN_PROGRESS

# The estates each actor reaches (staff) or lives in (residents): /api/v1/estates lists them.
REACH = {
    "anonymous": frozenset(), "resident": frozenset("a"), "other_resident": frozenset("a"),
    "agent": frozenset("a"), "agent_b": frozenset("b"), "handler": frozenset("a"),
    "handler_peer": frozenset("a"), "handler_env": frozenset("a"), "supervisor": frozenset("a"),
    "manager": frozenset("a"), "quality": frozenset("ab"), "admin": frozenset("ab"),
}
# Where each actor may record a new complaint, per interface. Intake is for the desk
# (agents, supervisors, managers, quality, administrators) within their reach, in the
# console and through the API; residents record through the API about the estates they
# live in and in the portal about their own homes. Handlers record nothing.
DESK_RECORDERS = ("agent", "agent_b", "supervisor", "manager", "quality", "admin")
RECORDS_IN = {
    "console": {a: REACH[a] for a in DESK_RECORDERS},
    "api": {a: REACH[a] for a in (*DESK_RECORDERS, "resident", "other_resident")},
    "portal": {a: REACH[a] for a in ("resident", "other_resident")},
}

# Hand-written answers to "may this actor take this action (when they see the complaint)?"
CROSS_CHECKS = {
    ("agent", "verify"): True, ("agent", "assign"): True, ("agent", "accept"): False,
    ("agent", "resolve"): False, ("agent", "reopen"): False, ("agent", "escalate"): False,
    ("handler", "accept"): True, ("handler", "resolve"): True, ("handler", "hold"): True,
    ("handler", "assign"): False, ("handler", "rate"): False, ("handler", "classify"): False,
    ("handler_peer", "accept"): False, ("handler_peer", "resolve"): False,
    ("handler_peer", "note"): True, ("supervisor", "reopen"): True,
    ("supervisor", "escalate"): True, ("manager", "escalate"): True,
    ("manager", "resolve"): True, ("quality", "merge"): True, ("admin", "reopen"): True,
    ("resident", "rate"): True, ("resident", "rate_reopen"): True, ("resident", "withdraw"): True,
    ("resident", "note"): True, ("resident", "verify"): False, ("resident", "contact"): False,
    ("resident", "escalate"): False, ("anonymous", "note"): False,
}


def sees(actor: str, kind: str, status: str) -> bool:
    if kind == MISSING:
        return False
    if status in UNDISPATCHED:
        table = SEES_BEFORE_DISPATCH
    else:
        table = SEES_FINISHED if status in FINISHED else SEES_DISPATCHED
    return kind in table[actor]


def may_act(actor: str, action: str) -> bool:
    """Whether the actor's role may take the action on a complaint they can see."""
    transition = TABLE[action]
    role = ROLE[actor]
    if role is None or role not in transition.roles:
        return False
    if role == Role.HANDLER and transition.assignee_only:
        return actor == ASSIGNEE
    return True


# Who may show a complainant's masked contact details in full (when they see the
# complaint): the desk roles, and the handler it is assigned to. Residents see their own
# in full anyway and have nothing to reveal.
REVEALS = frozenset({"agent", "agent_b", "supervisor", "manager", "quality", "admin", ASSIGNEE})
REVEAL_STATUS = Status.ASSIGNED


def may_reveal(actor: str) -> bool:
    return actor in REVEALS


# Who watches the warnings board, acknowledges and comments on warnings (within the
# complaints they see): supervisors, project managers, quality and administrators.
WATCHES_WARNINGS = frozenset({"supervisor", "manager", "quality", "admin"})


# Who makes return visits (anju/visits: the list, the call screen and its writes), within
# the complaints they see: the desk roles.
VISITS = frozenset({"agent", "agent_b", "supervisor", "manager", "quality", "admin"})


# Monthly reports (anju/analytics): project managers read their estates' reports; quality
# and administrators read every estate's and the company's (it counts confidential
# complaints), and may have one built now. "company" is the company-wide report.
READS_REPORTS = frozenset({"manager", "quality", "admin"})
BUILDS_REPORTS = frozenset({"quality", "admin"})
REPORT_REACH = {"manager": frozenset({"a"}), "quality": frozenset({"a", "b", "company"}),
                "admin": frozenset({"a", "b", "company"})}


# Statistics (anju/analytics: dashboards and league tables): supervisors, project managers,
# quality and administrators; every figure counts exactly the complaints they see. The
# estate dashboards open for the estates in REACH, the department ones for a supervisor's
# own department and for the other readers every department; anything else is hidden.
READS_STATS = frozenset({"supervisor", "manager", "quality", "admin"})
STATS_DEPARTMENTS = {"supervisor": frozenset({"engineering"})}  # others: every department


# Downloads of statistics (the league table as .xlsx or .csv, test_exports.py): the readers
# of statistics, counting exactly what they see; everyone else is refused before any file.
EXPORTS_STATS = READS_STATS

# The audit log (Administration → Audit log, test_admin.py): quality and administrators
# (and any superuser), once their account has the admin flag (is_staff) that opens the
# site at all; Django's model permissions do not matter for it.
READS_AUDIT = frozenset({"quality", "admin"})

# The console's link to the administration (test_menu.py): the quality and administrator
# roles, when their account also has the admin flag. In the cast only ``admin`` has it.
ADMIN_ROLES = frozenset({"quality", "admin"})
HAS_ADMIN_FLAG = frozenset({"admin"})

# Who may not use Anju before enrolling a second factor (test_two_factor.py).
NEEDS_TWO_FACTOR = frozenset({"quality", "admin"})

# Who sees confidential complaints besides the complainant (test_policy.py).
SEES_CONFIDENTIAL = frozenset({"quality", "admin"})

# THE CAPABILITY TABLE, written out by hand: for each capability of anju/staff/policy.py
# (by its value), the actors whose user holds it. test_capabilities.py asks the product's
# policy the same question for every actor and fails on any difference, and when the
# product has a capability this table does not name (or the other way round).
# Personal data: the desk reveals it (the handler a complaint is assigned to too, decided
# per complaint: test_reveal.py); nobody sees it unmasked unless ANJU_PII_FULL_ROLES says so.
DESK_ACTORS = frozenset(DESK_RECORDERS)
CAPABILITIES: dict[str, frozenset[str]] = {
    "record_complaints": DESK_ACTORS,
    "see_confidential": SEES_CONFIDENTIAL,
    "see_anonymous_complainants": DESK_ACTORS,
    "reveal_contact": DESK_ACTORS,
    "see_contact_unmasked": frozenset(),
    "read_statistics": READS_STATS,
    "export_statistics": EXPORTS_STATS,
    "read_reports": READS_REPORTS,
    "read_company_report": frozenset(a for a, reach in REPORT_REACH.items() if "company" in reach),
    "build_reports": BUILDS_REPORTS,
    "watch_warnings": WATCHES_WARNINGS,
    "work_visits": VISITS,
    "read_audit_log": READS_AUDIT,
    "open_admin": ADMIN_ROLES,
    "require_two_factor": NEEDS_TWO_FACTOR,
}
# Held by a superuser whatever their role, or with no staff profile at all.
SUPERUSER_CAPABILITIES = frozenset({"read_audit_log", "require_two_factor"})
