"""Pattern checks after a complaint change commits (a subscriber of ``anju.bus``): on
intake, when a category is set or corrected later, and on a dissatisfied rating."""

from __future__ import annotations

from anju.bus.registry import on_dead_letter, subscriber
from anju.complaints.events import Event
from anju.complaints.models import ComplaintEvent


@subscriber("warnings.patterns", Event.RECEIVED, Event.VERIFY, Event.CLASSIFY, Event.RATE_REOPEN)
def check_patterns(event: ComplaintEvent) -> None:
    from anju.warnings.detectors import check_complaint

    check_complaint(event.complaint_id, action=event.action.removeprefix("complaint."))


@on_dead_letter
def warn_of_dead_letter(delivery_id: int) -> None:
    from anju.warnings.dead_letters import raise_for

    raise_for(delivery_id)
