"""Return-visit work after complaint changes commit (subscribers of ``anju.bus``)."""

from __future__ import annotations

from anju.bus.registry import subscriber
from anju.complaints.events import Event
from anju.complaints.models import ComplaintEvent
from anju.visits import services


@subscriber("visits.open", Event.RESOLVE)
def open_visit(event: ComplaintEvent) -> None:
    services.visit_open(complaint_id=event.complaint_id)


# A rating or an unreachable close finishes the visit in its own transaction (visits.hooks);
# these close the open visit of a complaint that left "resolved" some other way.
@subscriber("visits.finish", Event.REOPEN, Event.WITHDRAW, Event.MERGE)
def finish_visit(event: ComplaintEvent) -> None:
    services.visit_finish_if_done(complaint_id=event.complaint_id)
