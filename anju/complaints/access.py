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
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anju.complaints import transitions
from anju.complaints.models import OPEN_STATUSES, Complaint, Status
from anju.complaints.transitions import RESIDENT, Transition
from anju.lib.errors import IllegalTransition, NotAllowed, NotFound
from anju.staff.models import Role

CONFIDENTIAL_ROLES = frozenset({Role.QUALITY, Role.ADMIN})


def role_of(user: Any) -> str | None:
    """The role a user acts in: a staff role, ``resident``, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    staff = getattr(user, "staff", None)
    if staff is not None:
        return staff.role
    if getattr(user, "resident", None) is not None:
        return RESIDENT
    return None


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
    if role == RESIDENT:
        return qs.filter(resident=user.resident)
    staff = user.staff
    if role not in CONFIDENTIAL_ROLES:
        qs = qs.filter(confidential=False)
    if role in CONFIDENTIAL_ROLES:
        return qs.filter(_estate_filter(staff))
    if role == Role.HANDLER:
        in_department = (Q(department__in=staff.departments.all(), status__in=OPEN_STATUSES)
                         & _estate_filter(staff))
        return qs.filter(Q(handler=user) | in_department)
    if role == Role.SUPERVISOR and staff.departments.exists():
        return qs.filter(_estate_filter(staff), department__in=staff.departments.all())
    return qs.filter(_estate_filter(staff))


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
