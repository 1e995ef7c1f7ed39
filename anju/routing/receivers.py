"""After a complaint change has committed, in the worker (``anju.complaints.followups``):
group incidents, record routing decisions, and carry the lead's dispatch and result to
the incident's members."""

from __future__ import annotations

from anju.complaints.followups import followup
from anju.complaints.models import Complaint


@followup("received", "verify", "classify")
def group_incident(complaint_id: int, action: str) -> None:
    from anju.routing import incidents

    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is not None:
        incidents.group(complaint)


@followup("assign", "reassign")
def record_dispatch(complaint_id: int, action: str) -> None:
    from anju.routing import incidents, services

    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is not None:
        services.record_decision(complaint, action)
        incidents.dispatch_members(complaint, incidents._actor_of(complaint, action))


@followup("resolve")
def resolve_members(complaint_id: int, action: str) -> None:
    from anju.routing import incidents

    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is not None:
        incidents.resolve_members(complaint, incidents._actor_of(complaint, "resolve"))
