"""The access policy: who may see which complaints, and which actions they may take.

Every interface (console, portal, API, exports, attachments, admin lists) reads
complaints through ``visible_complaints`` and checks actions through
``allowed_actions``/``check_action``. Reach rules:

* resident — only complaints they filed (``Complaint.resident``).
* agent, manager, supervisor — complaints of the estates in their reach
  (all estates when ``all_estates``); supervisors are further limited to their
  departments when they have any.
* handler — complaints assigned to them (finished ones included), plus the open
  ones of their departments within their estates: a colleague's finished cases,
  with the residents' details, are not theirs to read.
* quality, admin — the estates of their reach (normally all); the only roles that
  see confidential complaints. Nobody else does, not even the handler they are
  assigned to; the complainant always sees their own.

Personal data of the complainant (name, phone, e-mail) is shown masked to staff
(``138****5678``, ``张*``) unless their role is in ``ANJU_PII_FULL_ROLES`` (none by
default). Staff who talk to complainants — the desk roles, and the handler a complaint
is assigned to — may reveal it, one complaint at a time, with a reason that goes to the
audit log (``anju.complaints.disclosure``). Anonymous complainants are not shown to
handlers at all.

Which roles hold which capability (confidential complaints, recording, revealing, the
warnings board…) is declared once, in ``anju.staff.policy``; this module applies it to
complaints, row by row.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anju.complaints import transitions
from anju.complaints.models import OPEN_STATUSES, Complaint, Status
from anju.complaints.transitions import RESIDENT, Transition
from anju.lib.errors import IllegalTransition, NotAllowed, NotFound
from anju.staff import policy
from anju.staff.models import Role
from anju.staff.policy import Capability

# The roles that see confidential complaints (quality and administrators).
CONFIDENTIAL_ROLES = policy.roles(Capability.SEE_CONFIDENTIAL)
# Staff who record complaints (受理) on any interface: the desk roles (quality records the
# confidential ones, which an agent could not open afterwards). Handlers pass a complaint
# to the desk rather than recording it themselves.
RECORDING_ROLES = policy.roles(Capability.RECORD_COMPLAINTS)


class ComplainantLink:
    """The complainant of one complaint, answering through a signed link (anju.visits.links).

    No account and no sign-in: the signed token is the credential. Acts as ``resident``
    and reaches exactly that one complaint.
    """

    is_authenticated = True
    is_active = True
    pk = None
    staff = None
    resident = None

    def __init__(self, complaint_id: int) -> None:
        self.complaint_id = complaint_id


def role_of(user: Any) -> str | None:
    """The role a user acts in: a staff role, ``resident``, or None."""
    if isinstance(user, ComplainantLink):
        return RESIDENT
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    role = policy.role_of(user)
    if role is not None:
        return role
    if getattr(user, "resident", None) is not None:
        return RESIDENT
    return None


def may_record(user: Any) -> bool:
    """Whether ``user`` records new complaints at all: desk staff and residents (for the
    estates they reach or live in: ``complaints.services``)."""
    return role_of(user) == RESIDENT or policy.can(user, Capability.RECORD_COMPLAINTS)


def is_staff_member(user: Any) -> bool:
    role = role_of(user)
    return role is not None and role != RESIDENT


def _estate_filter(staff: Any) -> Q:
    if staff.all_estates:
        return Q()
    return Q(estate__in=staff.estates.all())


def visible_complaints(user: Any) -> QuerySet[Complaint]:
    role = role_of(user)
    qs = Complaint.objects.all()
    if role is None:
        return qs.none()
    if isinstance(user, ComplainantLink):
        return qs.filter(pk=user.complaint_id)
    if role == RESIDENT:
        return qs.filter(resident=user.resident)
    staff = user.staff
    if policy.holds(role, Capability.SEE_CONFIDENTIAL):
        return qs.filter(_estate_filter(staff))
    qs = qs.filter(confidential=False)
    if role == Role.HANDLER:
        in_department = (Q(department__in=staff.departments.all(), status__in=OPEN_STATUSES)
                         & _estate_filter(staff))
        return qs.filter(Q(handler=user) | in_department)
    if policy.department_bound(user):  # a supervisor with departments
        return qs.filter(_estate_filter(staff), department__in=staff.departments.all())
    return qs.filter(_estate_filter(staff))


# The warnings board (anju.warnings): supervisors, project managers, quality and
# administrators watch and acknowledge the warnings within their reach
# (``anju.warnings.selectors.visible_warnings``).
WARNING_BOARD_ROLES = policy.roles(Capability.WATCH_WARNINGS)


def may_watch_warnings(user: Any) -> bool:
    return policy.can(user, Capability.WATCH_WARNINGS)


def get_visible(user: Any, **lookup: Any) -> Complaint:
    """One complaint the user may see, or NotFound (never revealing that it exists)."""
    try:
        return visible_complaints(user).get(**lookup)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _may(user: Any, complaint: Complaint, transition: Transition) -> bool:
    role = role_of(user)
    if role is None or role not in transition.roles:
        return False
    if role == Role.HANDLER and transition.assignee_only:
        return complaint.handler_id == user.pk
    return True


def allowed_actions(user: Any, complaint: Complaint) -> list[Transition]:
    """The actions this user may take on this complaint now, in table order.

    The caller must already know the user can see the complaint.
    """
    return [
        t
        for t in transitions.TABLE.values()
        if complaint.status in t.sources and _may(user, complaint, t)
    ]


def check_action(user: Any, complaint: Complaint, action: str) -> Transition:
    """Raise unless ``user`` may take ``action`` on ``complaint`` in its current status."""
    transition = transitions.get(action)
    if not _may(user, complaint, transition):
        raise NotAllowed()
    if complaint.status not in transition.sources:
        # The lazy label renders in the language of whoever reads the error.
        raise IllegalTransition(status=Status(complaint.status).label)
    return transition


# --------------------------------------------------------------------------- personal data


def contact_hidden(user: Any, complaint: Complaint) -> bool:
    """An anonymous complainant is not shown to handlers, not even masked."""
    role = role_of(user)
    return (complaint.anonymous and role != RESIDENT
            and not policy.holds(role, Capability.SEE_ANONYMOUS_COMPLAINANTS))


def sees_contact_in_full(user: Any, complaint: Complaint) -> bool:
    """Without a reveal: the complainant themselves, and roles configured to need it."""
    role = role_of(user)
    if isinstance(user, ComplainantLink):
        return complaint.pk == user.complaint_id
    if role == RESIDENT:
        return complaint.resident_id is not None and complaint.resident_id == user.resident.pk
    return policy.holds(role, Capability.SEE_CONTACT_UNMASKED)


def may_reveal_contact(user: Any, complaint: Complaint) -> bool:
    """Desk roles, and the handler the complaint is assigned to, may reveal the contact.

    The caller must already know the user can see the complaint.
    """
    role = role_of(user)
    if policy.holds(role, Capability.REVEAL_CONTACT):
        return True
    return (role == Role.HANDLER and complaint.handler_id == user.pk
            and not contact_hidden(user, complaint))
