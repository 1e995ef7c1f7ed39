"""The demo's complaints carry triage suggestions, decided where staff classified them."""

from __future__ import annotations

import io

from django.core.management import call_command

from anju.complaints.models import Complaint
from anju.triage.models import Suggestion


def test_the_demo_shows_suggestions_on_its_complaints(db, client):
    call_command("demo", complaints=40, stdout=io.StringIO())
    complaints = Complaint.objects.count()
    assert Suggestion.objects.count() == complaints
    decided = Suggestion.objects.exclude(outcome="pending")
    assert decided.exists() and Suggestion.objects.filter(outcome="pending").exists()
    for suggestion in decided.select_related("complaint__category"):
        assert suggestion.decided_by is not None
        assert suggestion.final_category == suggestion.complaint.category.code
        accepted = (suggestion.category, suggestion.urgency) == (suggestion.final_category,
                                                                 suggestion.final_urgency)
        assert suggestion.outcome == ("accepted" if accepted else "corrected")
