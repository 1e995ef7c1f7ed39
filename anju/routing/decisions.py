"""Every dispatch compared with the route suggestion as it stood at that moment.

An in-transaction hook of the complaint core (``anju.complaints.hooks``), registered by
``RoutingConfig.ready``: after an assign or reassign event is inserted, the suggestion is
computed (``services.suggest``) and stored in a ``RouteDecision`` beside what was chosen,
in the dispatch's own transaction — so the console, the API, the incident's members and
the demo are all recorded, a dispatch that rolls back leaves no decision, and what the
desk last looked at plays no part.

The suggestion does not depend on the department or handler the dispatch has just set
(``services.suggest``), so computing it on the complaint as saved gives the suggestion
of the moment before. It does follow the category the complaint is dispatched under: a
dispatch that also reclassifies is compared with the route of the new category.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils import translation

from anju.complaints import hooks
from anju.complaints.events import Event
from anju.routing.models import RouteDecision
from anju.routing.services import suggest

DISPATCH_EVENTS = frozenset({Event.ASSIGN, Event.REASSIGN})


@hooks.after_events("routing.decision")
def record_decisions(changes: Sequence[hooks.Change]) -> None:
    decisions = []
    for change in changes:
        event = Event.parse(change.event.action)
        if event not in DISPATCH_EVENTS:
            continue
        decision = decide(change)
        if decision is not None:
            decisions.append(decision)
    if decisions:
        RouteDecision.objects.bulk_create(decisions)


def decide(change: hooks.Change) -> RouteDecision | None:
    """The unsaved decision for one dispatch; None when nothing could be suggested."""
    complaint, event = change.complaint, change.event
    # Stored text: in the site's language, whoever dispatched and in whichever language.
    with translation.override(settings.LANGUAGE_CODE):
        suggestion = suggest(complaint)
        reason = suggestion.text[:300]
    if suggestion.department is None:
        return None  # no category yet: nothing to follow or override
    suggested_handler_id = suggestion.handler.pk if suggestion.handler else None
    overridden = (suggestion.department.pk != complaint.department_id
                  or suggested_handler_id != complaint.handler_id)
    return RouteDecision(
        complaint=complaint, event=event, action=Event(event.action).action or "",
        suggested_department=suggestion.department, suggested_handler_id=suggested_handler_id,
        chosen_department_id=complaint.department_id, chosen_handler_id=complaint.handler_id,
        overridden=overridden, reason=reason, by_id=event.actor_id, created_at=event.created_at)
