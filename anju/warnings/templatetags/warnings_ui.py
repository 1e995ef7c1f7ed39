"""The console's warnings badge: unacknowledged warnings within the reader's reach."""

from __future__ import annotations

from typing import Any

from django import template

from anju.complaints import access
from anju.staff import policy
from anju.staff.policy import Capability
from anju.warnings.selectors import visible_warnings

register = template.Library()

# Counting stops here: the badge says "99+".
BADGE_LIMIT = 99


@register.filter
def may_watch_warnings(user: Any) -> bool:
    return policy.can(user, Capability.WATCH_WARNINGS)


@register.simple_tag
def open_warnings(user: Any) -> str:
    """"" when there are none, else the count (capped: one bounded, indexed query)."""
    if not policy.can(user, Capability.WATCH_WARNINGS):
        return ""
    n = visible_warnings(user).filter(acknowledged_at__isnull=True).order_by()[:BADGE_LIMIT + 1].count()
    if not n:
        return ""
    return f"{BADGE_LIMIT}+" if n > BADGE_LIMIT else str(n)


@register.simple_tag
def visible_repeat_of(user: Any, complaint: Any) -> str | None:
    """The number of the earlier complaint this one repeats, when the reader may open it."""
    if not complaint.repeat_of_id:
        return None
    return (access.visible_complaints(user).filter(pk=complaint.repeat_of_id)
            .values_list("number", flat=True).first())
