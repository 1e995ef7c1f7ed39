"""Incidents follow their complaints (subscribers of ``anju.bus``, run by the worker):
a complaint joins or starts an incident when it is received or (re)classified, and the
lead's dispatch and result are carried to the incident's members."""

from __future__ import annotations

from anju.bus.registry import subscriber
from anju.complaints.events import Event
from anju.complaints.models import ComplaintEvent


@subscriber("routing.incident_group", Event.RECEIVED, Event.VERIFY, Event.CLASSIFY)
def group_incident(event: ComplaintEvent) -> None:
    from anju.routing import incidents

    incidents.group(event.complaint)


@subscriber("routing.incident_dispatch", Event.ASSIGN, Event.REASSIGN)
def dispatch_members(event: ComplaintEvent) -> None:
    from anju.routing import incidents

    incidents.dispatch_members(event.complaint, event.actor)


@subscriber("routing.incident_resolve", Event.RESOLVE)
def resolve_members(event: ComplaintEvent) -> None:
    from anju.routing import incidents

    incidents.resolve_members(event.complaint, event.actor)
