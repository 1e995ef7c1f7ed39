"""Deadlines move with the change that moves them (hooks of ``complaints.hooks``).

At intake the due columns are stamped on the unsaved complaint (no query); the
checkpoints that tell the sweep when to warn are stored a moment later by the
``sla.checkpoints`` subscriber. Every transition recomputes deadlines and pending
checkpoints from the trail, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from anju.complaints import hooks
from anju.complaints.events import Event
from anju.complaints.models import Complaint
from anju.sla import services


@hooks.before_intake("sla.due_columns", order=50)
def stamp_due_columns(complaint: Complaint, data: dict[str, Any]) -> None:
    services.stamp_intake(complaint)


@hooks.after_events("sla.deadlines", order=20)
def recompute_deadlines(changes: Sequence[hooks.Change]) -> None:
    for change in changes:
        event = Event.parse(change.event.action)
        if event is None or event.action is None:
            continue  # not a transition (received: stamped before the insert)
        if event is Event.ESCALATE and change.event.data.get("source") == "ladder":
            continue  # the ladder's own step: no deadline moves
        services.recompute(change.complaint)
