"""Incidents in the demo (anju/routing): the complaints of the last day are grouped as the
worker's incident sweep would, so the lift that several residents reported within a few hours
(the warnings scene) is one incident, handled once. Route reasons and similar cases need no
staging: every complaint waiting for dispatch shows its suggested route, and the history
supplies the similar cases."""

from __future__ import annotations

from datetime import datetime, timedelta

from anju.complaints.models import Complaint
from anju.complaints.transitions import UNRESOLVED
from anju.demo import places
from anju.routing import incidents


def stage(*, now: datetime) -> int:
    """Group the demo's recent open complaints; returns how many incidents there are."""
    recent = (Complaint.objects.filter(estate__company__name=places.COMPANY, status__in=UNRESOLVED,
                                       created_at__gte=now - timedelta(days=1))
              .select_related("estate").order_by("created_at", "pk"))
    found = {incident.pk for c in recent if (incident := incidents.group(c)) is not None}
    return len(found)
