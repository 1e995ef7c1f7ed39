"""Which warnings a user may see, by the access policy of ``anju.complaints.access``.

* A warning about one complaint is visible to whoever may see that complaint
  (``visible_complaints``): confidential complaints, and so their warnings, only to the
  quality and administrator roles.
* A warning about a place or a category without a single complaint of its own (a hotspot,
  a volume spike) is visible within the same estate and department reach. Its links are
  filtered per reader when shown (``visible_related``): a confidential complaint is
  counted in a hotspot but only linked for the roles that may open it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anju.complaints import access
from anju.complaints.models import Complaint
from anju.complaints.transitions import RESIDENT
from anju.staff import policy
from anju.staff.models import Role
from anju.warnings.models import Warning


def _place_reach(user: Any, role: str) -> Q:
    """Complaint-less warnings in the user's estates (and departments, where reach is by department)."""
    staff = user.staff
    q = Q(complaint__isnull=True)
    if not staff.all_estates:
        q &= Q(estate__in=staff.estates.all())
    if policy.department_bound(user):
        q &= Q(department__in=staff.departments.all())
    elif role == Role.HANDLER:  # without a department: only their own assignments
        return Q(pk__in=[])
    return q


def visible_warnings(user: Any) -> QuerySet[Warning]:
    role = access.role_of(user)
    if role is None or role == RESIDENT:
        return Warning.objects.none()
    complaints = access.visible_complaints(user).values("pk")
    return Warning.objects.filter(Q(complaint__in=complaints) | _place_reach(user, role))


def open_count(user: Any) -> int:
    """Unacknowledged warnings in reach: the console's badge."""
    return visible_warnings(user).filter(acknowledged_at__isnull=True).count()


def visible_related(user: Any, warning: Warning) -> list[Complaint]:
    """The warning's linked complaints that this user may open."""
    links = Warning.related.through.objects.filter(warning=warning).values("complaint_id")
    return list(access.visible_complaints(user).filter(pk__in=links)
                .order_by("created_at", "pk").only("pk", "number", "created_at"))
