"""Route suggestion: category → department (taxonomy map or an estate rule) → handler.

``suggest(complaint)`` only reads: the console's complaint page and the API's complaint
detail compute it on every view. What a dispatch is compared with is the suggestion as it
stands when the dispatch happens, stored with the decision in the dispatch's transaction
(``anju.routing.decisions``).

The handler is chosen among the department's active handlers who reach the estate and may
see the complaint (``anju.complaints.access``: handlers never see confidential complaints,
so those go to the department only). Among them: on duty first, then those skilled in the
category, then the fewest open complaints; equals take turns — whoever was assigned least
recently comes first (never assigned: first of all), then the lowest id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from anju.accounts.models import User
from anju.complaints.models import Complaint, Status
from anju.lib.labels import localised_name
from anju.routing.models import EstateRoute
from anju.staff.models import Department, Role, StaffProfile

# The statuses that count towards a handler's workload (在办).
WORKLOAD_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD)


def _name(obj: Any) -> str:
    return localised_name(obj)


@dataclass
class Candidate:
    user: User
    on_duty: bool
    skilled: bool
    open_count: int
    last_assigned: datetime | None

    def sort_key(self) -> tuple:
        never = self.last_assigned is None
        return (not self.on_duty, not self.skilled, self.open_count, not never,
                self.last_assigned or datetime.min.replace(tzinfo=UTC), self.user.pk)


@dataclass
class Suggestion:
    department: Department | None
    handler: User | None
    reasons: list[str] = field(default_factory=list)
    category_name: str = ""
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def text(self) -> str:
        """E.g. "电梯 → 工程部 → 王师傅：在岗，电梯技能，2 单在办"."""
        parts = [p for p in (self.category_name, _name(self.department),
                             self.handler.display_name if self.handler else "") if p]
        head = " → ".join(parts)
        if not self.reasons:
            return head
        return _("%(route)s: %(reasons)s") % {"route": head, "reasons": _(", ").join(self.reasons)}


def department_for(complaint: Complaint) -> tuple[Department | None, bool]:
    """The department by the estate's rule, else the taxonomy map; and whether a rule applied."""
    category = complaint.category
    if category is None:
        return None, False
    rule = (EstateRoute.objects.filter(estate_id=complaint.estate_id, category_id=category.pk)
            .select_related("department").first())
    if rule is not None and rule.department.is_active:
        return rule.department, True
    return category.department, False


def candidates(complaint: Complaint, department: Department) -> list[Candidate]:
    """Handlers of the department who reach the estate, ranked best first."""
    if complaint.confidential or complaint.category_id is None:
        return []  # confidential: only quality and administrators may see it, not handlers
    skill = StaffProfile.skills.through.objects.filter(
        staffprofile_id=OuterRef("staff__pk"), category=complaint.category_id)
    users = (User.objects.filter(is_active=True, staff__role=Role.HANDLER,
                                 staff__departments=department)
             .filter(Q(staff__all_estates=True) | Q(staff__estates=complaint.estate_id))
             .distinct().select_related("staff")
             .annotate(skilled=Exists(skill),
                       open_count=Count("handled_complaints", distinct=True,
                                        filter=Q(handled_complaints__status__in=WORKLOAD_STATUSES)
                                        & ~Q(handled_complaints__pk=complaint.pk)),
                       last_assigned=Max("handled_complaints__assigned_at",
                                         filter=~Q(handled_complaints__pk=complaint.pk))))
    ranked = [Candidate(user=u, on_duty=u.staff.on_duty, skilled=bool(u.skilled),
                        open_count=u.open_count, last_assigned=u.last_assigned) for u in users]
    ranked.sort(key=Candidate.sort_key)
    return ranked


def suggest(complaint: Complaint) -> Suggestion:
    """The suggested department and handler, with the reasons. Reads only.

    It depends on the complaint's estate, category and confidentiality, never on the
    department or handler it has now: a complaint's own assignment is left out of every
    handler's workload and turn, so the suggestion is the same just before and just after
    a dispatch (``anju.routing.decisions`` computes it inside the dispatch).
    """
    category = complaint.category
    if category is None:
        return Suggestion(None, None, [_("no category yet")])
    department, by_rule = department_for(complaint)
    route = Suggestion(department, None, category_name=_name(category))
    if department is None:
        return route
    if by_rule:
        route.reasons.append(_("estate rule"))
    if complaint.confidential:
        route.reasons.append(_("confidential: the department only"))
        return route
    ranked = candidates(complaint, department)
    route.candidates = ranked
    best = ranked[0] if ranked else None
    if best is None or not best.on_duty:
        route.reasons.append(_("nobody on duty") if best else _("no handler at this estate"))
        return route
    route.handler = best.user
    route.reasons.append(_("on duty"))
    if best.skilled:
        route.reasons.append(_("%(category)s skill") % {"category": _name(category)})
    route.reasons.append(_("%(count)d open") % {"count": best.open_count})
    return route
