"""A received complaint gets its triage suggestion from the worker (a subscriber of
``anju.bus``).

The model costs about a millisecond per text and the suggestion one insert; intake stays
lean by leaving both to the worker. Danger words are applied at intake itself
(``anju.triage.hooks``).
"""

from __future__ import annotations

from anju.bus.registry import subscriber
from anju.complaints.events import Event
from anju.complaints.models import ComplaintEvent


@subscriber("triage.suggestion", Event.RECEIVED)
def suggest_on_receipt(event: ComplaintEvent) -> None:
    from anju.triage.services import suggestion_create

    suggestion_create(complaint_id=event.complaint_id)
