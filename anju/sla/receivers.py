"""The sweep's checkpoints of a new complaint, stored by the worker a moment after intake.

Intake stamps the due columns itself (no query: ``services.stamp_intake``), so deadlines
show at once; the checkpoints only tell the sweep when to warn, and the first of them
falls minutes later at the earliest. ``arm_missed`` (every few minutes) stores them for any
recent complaint whose follow-up was lost.
"""

from __future__ import annotations

from anju.complaints.followups import followup
from anju.sla import services


@followup("received")
def arm_checkpoints(complaint_id: int, action: str) -> None:
    services.arm(complaint_id)
