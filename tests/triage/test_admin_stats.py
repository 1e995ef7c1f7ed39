"""The admin shows how often suggestions were accepted, per category and week."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from anju.triage.models import Suggestion
from anju.triage.selectors import acceptance_by_week
from anju.triage.services import suggestion_accept, suggestion_correct, suggestion_create

STATS = "/admin/triage/suggestion/acceptance/"


def decided(new_complaint, agent, categories, *, accept: bool):
    complaint = new_complaint(description="电梯停了一整天")
    suggestion = suggestion_create(complaint_id=complaint.pk)
    Suggestion.objects.filter(pk=suggestion.pk).update(category="elevator")
    if accept:
        suggestion_accept(actor=agent, complaint_id=complaint.pk)
    else:
        suggestion_correct(actor=agent, complaint_id=complaint.pk, category=categories["repair"],
                           urgency="low")


def test_acceptance_is_counted_per_category_and_week(new_complaint, agent, categories):
    for accept in (True, True, False):
        decided(new_complaint, agent, categories, accept=accept)
    suggestion_create(complaint_id=new_complaint(description="电梯有异响").pk)  # still pending
    Suggestion.objects.filter(outcome="pending").update(category="elevator")
    Suggestion.objects.filter(outcome="pending").update(created_at=timezone.now() - timedelta(days=400))
    rows = acceptance_by_week()
    assert [(r.category, r.suggested, r.decided, r.accepted) for r in rows] == [("elevator", 3, 3, 2)]
    assert round(rows[0].rate, 2) == 0.67


def test_administrators_see_the_table(client, admin_user, new_complaint, agent, categories):
    decided(new_complaint, agent, categories, accept=True)
    client.force_login(admin_user)
    page = client.get(STATS)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Lifts" in text and "100%" in text
    assert STATS in client.get("/admin/triage/suggestion/").content.decode()


def test_other_staff_cannot_open_it(client, agent):
    agent.is_staff = True
    agent.save()
    client.force_login(agent)
    assert client.get(STATS).status_code == 403
