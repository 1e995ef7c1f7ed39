"""Reads of return visits, through the complaint access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from anju.complaints import access
from anju.staff import policy
from anju.staff.policy import Capability
from anju.visits.models import ReturnVisit


def may_visit(user: Any) -> bool:
    """Return visits are the service desk's work (agents, supervisors, managers, quality,
    administrators: ``Capability.WORK_VISITS``)."""
    return policy.can(user, Capability.WORK_VISITS)


def visible_visits(user: Any) -> QuerySet[ReturnVisit]:
    """Visits of complaints within the user's reach; none for other roles."""
    if not may_visit(user):
        return ReturnVisit.objects.none()
    return ReturnVisit.objects.filter(complaint__in=access.visible_complaints(user))


def worklist(user: Any) -> QuerySet[ReturnVisit]:
    """Open visits, earliest due first (so overdue ones lead), handed-over ones included."""
    return (visible_visits(user).filter(state=ReturnVisit.State.OPEN)
            .select_related("complaint__estate", "complaint__category", "complaint__resident")
            .order_by("due_at", "id"))
