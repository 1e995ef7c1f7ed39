"""A received complaint gets its triage suggestion in the worker
(``anju.complaints.followups``).

The model costs about a millisecond per text and the suggestion one insert; intake stays
lean by leaving both to the worker. Danger words are applied at intake itself
(``anju.triage.rules.intake_urgency``, called from ``complaint_create``).
"""

from __future__ import annotations

from anju.complaints.followups import followup


@followup("received")
def suggest_on_receipt(complaint_id: int, action: str) -> None:
    from anju.triage.services import suggestion_create

    suggestion_create(complaint_id=complaint_id)
