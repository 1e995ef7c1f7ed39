"""Return-visit work after complaint changes commit (run by the worker: complaints.followups)."""

from __future__ import annotations

from anju.complaints.followups import followup
from anju.visits import services


@followup("resolve")
def open_visit(complaint_id: int, action: str) -> None:
    services.visit_open(complaint_id=complaint_id)


@followup("rate", "rate_reopen", "close_unreachable", "reopen", "withdraw", "merge")
def finish_visit(complaint_id: int, action: str) -> None:
    if action in ("rate", "rate_reopen"):
        services.response_backfill(complaint_id=complaint_id)
    services.visit_finish_if_done(complaint_id=complaint_id)
