"""Pattern checks after a complaint change commits, in the worker
(``anju.complaints.followups``); the periodic sweep catches up on whatever a lost task missed.
"""

from __future__ import annotations

from anju.complaints.followups import followup


# Intake, a category set or corrected later, and a dissatisfied rating.
@followup("received", "verify", "classify", "rate_reopen")
def check_patterns(complaint_id: int, action: str) -> None:
    from anju.warnings.detectors import check_complaint

    check_complaint(complaint_id, action=action)
