"""THE staff policy: every capability staff can hold, and the roles that hold it.

One table (``TABLE``) says, for each thing a member of staff may do or see beyond
complaints themselves — read statistics, download exports and monthly reports, watch the
warnings board, read the audit log, work return visits, open the administration, reveal
a complainant's personal data — which roles may; a few capabilities go to superusers too
(``SUPERUSER``), and one is configured per deployment (``CONFIGURED``). Every app asks
``can(user, Capability.X)`` (or ``require``) instead of keeping a set of roles of its own;
``tests/access_matrix/test_capabilities.py`` checks the table role by role and fails
when a module under ``anju/`` declares a set of roles of its own.

Role says *what*; reach (the estates and departments of a staff profile) says *where*.
Which complaints a user sees, and which action they may take on one, stays in
``anju.complaints.access`` and ``anju.complaints.transitions`` (the row-level policy),
which take their role sets from here.

This module sits with the staff profiles, below complaints, so every app may import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeAlias

from django.conf import settings
from django.db.models import QuerySet

from anju.estates.models import Estate
from anju.lib.errors import NotAllowed
from anju.staff.models import Department, Role, StaffProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from anju.accounts.models import User

# Whoever a request comes from: a signed-in user (staff, resident or neither) or a visitor.
# (Python 3.11: ``type Actor = …`` needs 3.12.)
Actor: TypeAlias = "User | AnonymousUser"

# --------------------------------------------------------------------------- role groups
# The groups the table below and the lifecycle table (anju/complaints/transitions.py) are
# written in. Declared here and nowhere else.

ALL_STAFF: frozenset[Role] = frozenset(Role)
# Headquarters: the roles that see confidential complaints and watch over the others.
HEADQUARTERS: frozenset[Role] = frozenset({Role.QUALITY, Role.ADMIN})
# Management: project managers and headquarters.
MANAGEMENT: frozenset[Role] = frozenset({Role.MANAGER}) | HEADQUARTERS
# Senior staff: supervisors and management (supervise, reopen, read statistics).
SENIOR: frozenset[Role] = frozenset({Role.SUPERVISOR}) | MANAGEMENT
# The desk (受理): agents and senior staff record, verify, dispatch and talk to complainants.
DESK: frozenset[Role] = frozenset({Role.AGENT}) | SENIOR
# Who work on a complaint: handlers (their own assignments) and senior staff.
WORKERS: frozenset[Role] = frozenset({Role.HANDLER}) | SENIOR
# Who a complaint may be assigned to, who have a "my tasks" inbox.
ASSIGNEES: frozenset[Role] = frozenset({Role.HANDLER, Role.SUPERVISOR})
# Whose reach is narrowed to their departments (a supervisor only when they have any;
# a handler without a department reaches nothing but their own assignments).
DEPARTMENT_BOUND: frozenset[Role] = frozenset({Role.HANDLER, Role.SUPERVISOR})


# --------------------------------------------------------------------------- capabilities


class Capability(StrEnum):
    """Everything staff may do or see that is granted by role."""

    # Complaints (the row-level rules are in anju.complaints.access)
    RECORD_COMPLAINTS = "record_complaints"  # intake in the console and the API
    SEE_CONFIDENTIAL = "see_confidential"  # confidential complaints, in reach
    SEE_ANONYMOUS_COMPLAINANTS = "see_anonymous_complainants"  # masked, on an anonymous one
    REVEAL_CONTACT = "reveal_contact"  # show masked personal data, logged (+ the assignee)
    SEE_CONTACT_UNMASKED = "see_contact_unmasked"  # personal data without a reveal
    # Statistics and reports (anju.analytics)
    READ_STATISTICS = "read_statistics"  # dashboards and league tables, at their reach
    EXPORT_STATISTICS = "export_statistics"  # league tables as .xlsx / .csv
    READ_REPORTS = "read_reports"  # monthly reports of the estates in reach
    READ_COMPANY_REPORT = "read_company_report"  # the company's report (reaching every estate)
    BUILD_REPORTS = "build_reports"  # have a monthly report built now
    # Oversight
    WATCH_WARNINGS = "watch_warnings"  # the warnings board: read, acknowledge, comment
    WORK_VISITS = "work_visits"  # return visits (回访): the list, the call screen, its writes
    READ_AUDIT_LOG = "read_audit_log"  # Administration → Audit log
    OPEN_ADMIN = "open_admin"  # the console's link to the administration (with is_staff)
    # Obligations
    REQUIRE_TWO_FACTOR = "require_two_factor"  # may not use Anju before enrolling a second factor


C = Capability

TABLE: Mapping[Capability, frozenset[Role]] = MappingProxyType({
    C.RECORD_COMPLAINTS: DESK,
    C.SEE_CONFIDENTIAL: HEADQUARTERS,
    C.SEE_ANONYMOUS_COMPLAINANTS: DESK,
    C.REVEAL_CONTACT: DESK,
    C.SEE_CONTACT_UNMASKED: frozenset(),  # by default; see CONFIGURED
    C.READ_STATISTICS: SENIOR,
    C.EXPORT_STATISTICS: SENIOR,
    C.READ_REPORTS: MANAGEMENT,
    C.READ_COMPANY_REPORT: HEADQUARTERS,
    C.BUILD_REPORTS: HEADQUARTERS,
    C.WATCH_WARNINGS: SENIOR,
    C.WORK_VISITS: DESK,
    C.READ_AUDIT_LOG: HEADQUARTERS,
    C.OPEN_ADMIN: HEADQUARTERS,
    C.REQUIRE_TWO_FACTOR: HEADQUARTERS,
})

# Capabilities a superuser holds whatever their role (or without a staff profile at all).
SUPERUSER: frozenset[Capability] = frozenset({C.READ_AUDIT_LOG, C.REQUIRE_TWO_FACTOR})

# Capabilities whose roles a deployment sets: the setting that lists them replaces the
# table's default. Names that are not roles are ignored.
CONFIGURED: Mapping[Capability, str] = MappingProxyType({
    C.SEE_CONTACT_UNMASKED: "ANJU_PII_FULL_ROLES",
})


def roles(capability: Capability) -> frozenset[Role]:
    """The roles that hold ``capability`` now (a configured one read from its setting)."""
    setting = CONFIGURED.get(capability)
    if setting is not None:
        names = getattr(settings, setting, None)
        if names is not None:
            return frozenset(Role(name) for name in names if name in Role.values)
    return TABLE[capability]


# --------------------------------------------------------------------------- the user


def staff_of(user: Actor | None) -> StaffProfile | None:
    """The staff profile of an active, signed-in user, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    staff: StaffProfile | None = getattr(user, "staff", None)
    return staff


def role_of(user: Actor | None) -> Role | None:
    """The staff role of an active, signed-in user; None for residents and visitors."""
    staff = staff_of(user)
    if staff is None:
        return None
    try:
        return Role(staff.role)
    except ValueError:
        return None


def can(user: Actor | None, capability: Capability) -> bool:
    """Whether ``user`` holds ``capability``: an active user whose role has it (or a
    superuser, for the capabilities in ``SUPERUSER``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if capability in SUPERUSER and getattr(user, "is_superuser", False):
        return True
    role = role_of(user)
    return role is not None and role in roles(capability)


def require(user: Actor | None, capability: Capability, message: object = None) -> None:
    """Raise ``NotAllowed`` (with ``message``, if given) unless ``user`` holds ``capability``."""
    if not can(user, capability):
        raise NotAllowed(message)


def holds(role: Role | str | None, capability: Capability) -> bool:
    """Whether a role (not a user: a profile being assigned, a stand-in reader) holds it."""
    return role is not None and role in roles(capability)


def department_bound(user: Actor | None) -> bool:
    """Whether the user's reach is narrowed to their departments (they have some, and their
    role is in ``DEPARTMENT_BOUND``)."""
    staff = staff_of(user)
    return (staff is not None and staff.role in DEPARTMENT_BOUND
            and staff.departments.exists())


def may_open_admin(user: Actor | None) -> bool:
    """Whether the console offers the administration: the role holds ``OPEN_ADMIN`` and the
    account has Django's staff status (``is_staff``), without which the site stays shut.

    The site itself opens on ``is_staff`` and Django's model permissions, granted per
    account; every model there that shows complaints reads them through the access policy.
    """
    return can(user, C.OPEN_ADMIN) and bool(getattr(user, "is_staff", False))


# --------------------------------------------------------------------------- reach


def estates_in_reach(user: Actor | None) -> QuerySet[Estate]:
    """The active estates a staff member reaches (every one with "all estates")."""
    staff = staff_of(user)
    if staff is None:
        return Estate.objects.none()
    if staff.all_estates:
        return Estate.objects.filter(is_active=True)
    return staff.estates.filter(is_active=True)


class StatisticsLevel(StrEnum):
    COMPANY = "company"  # every estate of the company
    ESTATE = "estate"  # the estates in reach
    DEPARTMENT = "department"  # their own departments, within the estates in reach


@dataclass(frozen=True)
class StatisticsReach:
    """What a reader's statistics cover. The figures themselves count only the complaints
    the reader sees (``anju.complaints.access.visible_complaints``)."""

    level: StatisticsLevel
    estates: QuerySet[Estate]  # the estate dashboards they may open and filter by
    departments: QuerySet[Department]  # the department dashboards they may open and filter by


def statistics_reach(user: Actor | None) -> StatisticsReach | None:
    """The reach of ``user``'s statistics, or None when they may not read statistics."""
    staff = staff_of(user)
    if staff is None or not can(user, C.READ_STATISTICS):
        return None
    departments = Department.objects.filter(is_active=True)
    if department_bound(user):
        level = StatisticsLevel.DEPARTMENT
        departments = departments.filter(pk__in=staff.departments.all())
    else:
        level = StatisticsLevel.COMPANY if staff.all_estates else StatisticsLevel.ESTATE
    return StatisticsReach(level=level, estates=estates_in_reach(user), departments=departments)
