"""Return-visit work after complaint changes commit (subscribers of ``anju.bus``)."""

from __future__ import annotations

from anju.bus.registry import subscriber
from anju.complaints.events import Event
from anju.complaints.models import ComplaintEvent
from anju.visits import services


@subscriber("visits.open", Event.RESOLVE)
def open_visit(event: ComplaintEvent) -> None:
    services.visit_open(complaint_id=event.complaint_id)


@subscriber("visits.finish", Event.RATE, Event.RATE_REOPEN, Event.CLOSE_UNREACHABLE, Event.REOPEN,
            Event.WITHDRAW, Event.MERGE)
def finish_visit(event: ComplaintEvent) -> None:
    if event.action in (Event.RATE, Event.RATE_REOPEN):
        services.response_backfill(complaint_id=event.complaint_id)
    services.visit_finish_if_done(complaint_id=event.complaint_id)
