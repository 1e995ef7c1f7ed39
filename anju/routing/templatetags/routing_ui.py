from __future__ import annotations

from typing import Any

from django import template

from anju.complaints import access
from anju.complaints.models import Complaint
from anju.complaints.transitions import BEFORE_WORK
from anju.routing import incidents, services, similar
from anju.routing.models import RouteDecision

register = template.Library()


@register.inclusion_tag("routing/_panel.html", takes_context=True)
def routing_panel(context: template.Context, complaint: Complaint) -> dict[str, Any]:
    """The console complaint page's card: suggested route, incident, similar cases."""
    user = context["request"].user
    route = services.suggest(complaint) if complaint.status in BEFORE_WORK else None
    decision = (RouteDecision.objects.filter(complaint=complaint)
                .select_related("suggested_department", "suggested_handler", "by").first())
    incident = incidents.incident_of(complaint)
    members: list[Complaint] = []
    hidden = 0
    if incident is not None:
        # Only the complaints this viewer may read are listed; the others are only counted.
        everyone = incidents.members(incident)
        members = list(everyone.filter(pk__in=access.visible_complaints(user).values("pk"))
                       .select_related("room__unit__building", "facility"))
        hidden = everyone.count() - len(members)
    return {"c": complaint, "route": route, "decision": decision, "incident": incident,
            "members": members, "hidden": hidden, "total": len(members) + hidden,
            "similar": similar.similar_to(complaint, user)}
