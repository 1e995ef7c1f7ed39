"""The demo shows a route reason, an incident and similar cases on the complaint page."""

from __future__ import annotations

import io

from django.core.management import call_command

from anju.accounts.models import User
from anju.complaints.models import Complaint, Status
from anju.routing.models import Incident


def test_the_demo_shows_routing_an_incident_and_similar_cases(db, client):
    call_command("demo", complaints=60, stdout=io.StringIO())
    incident = Incident.objects.get()
    assert incident.category.code == "elevator" and incident.facility is not None
    assert incident.members.count() == 3
    client.force_login(User.objects.get(username="agent.cuihu"))
    page = client.get(f"/console/c/{incident.lead.number}/").content.decode()
    assert "Incident #" in page and ": 3 complaints" in page
    # Waiting for dispatch: the suggested route with its reason (the lift specialist).
    assert "Suggested route:</strong> Lifts → Engineering → " in page and "Lifts skill" in page
    assert 'class="similar-cases"' in page
    assert Complaint.objects.filter(status=Status.RECEIVED).exists()
