"""Reads of return visits, through the complaint access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from anju.complaints import access
from anju.complaints.transitions import DESK
from anju.visits.models import ReturnVisit


def may_visit(user: Any) -> bool:
    """Return visits are the service desk's work (agents, supervisors, managers, quality)."""
    return access.role_of(user) in DESK


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
