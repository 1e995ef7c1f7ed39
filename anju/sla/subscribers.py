"""The sweep's checkpoints of a new complaint, stored by the worker a moment after intake
(a subscriber of ``anju.bus``).

Intake stamps the due columns itself (no query: ``sla.hooks``), so deadlines show at
once; the checkpoints only tell the sweep when to warn, and the first of them falls
minutes later at the earliest.
"""

from __future__ import annotations

from anju.bus.registry import subscriber
from anju.complaints.events import Event
from anju.complaints.models import ComplaintEvent
from anju.sla import services


@subscriber("sla.checkpoints", Event.RECEIVED)
def arm_checkpoints(event: ComplaintEvent) -> None:
    services.arm(event.complaint_id)
