"""Danger words and keyword rules raise the urgency at intake itself (a hook of
``complaints.hooks``); the model's full suggestion follows as a subscriber."""

from __future__ import annotations

from typing import Any

from anju.complaints import hooks
from anju.complaints.models import Complaint
from anju.triage.rules import intake_urgency


@hooks.before_intake("triage.danger_words", order=10)
def raise_urgency(complaint: Complaint, data: dict[str, Any]) -> None:
    urgency, fired = intake_urgency(f"{complaint.title}\n{complaint.description}", complaint.urgency)
    if fired:
        complaint.urgency = urgency
        data["triage_rules"] = fired
