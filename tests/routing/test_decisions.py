"""Every dispatch is stored with the route suggestion of its moment, in its own transaction.

Showing a suggestion (the console's complaint page, the API's detail) writes nothing; the
assign and reassign events store a ``RouteDecision`` through the core's in-transaction
hook (``anju.routing.decisions``), whichever way the dispatch came: console, API, the
services (incident members, the demo).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from anju.accounts.models import ApiToken
from anju.complaints import hooks, services
from anju.complaints.events import Event
from anju.complaints.models import ComplaintEvent
from anju.routing import incidents
from anju.routing.models import RouteDecision


def _api(user):
    _token, key = ApiToken.issue(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"})


def _api_act(client, complaint, action, **body):
    return client.post(f"/api/v1/complaints/{complaint.number}/actions/{action}", body,
                       content_type="application/json")


def _page(client, complaint):
    response = client.get(f"/console/c/{complaint.number}/")
    assert response.status_code == 200
    return response.content.decode()


def _set_on_duty(user, on_duty):
    user.staff.on_duty = on_duty
    user.staff.save(update_fields=["on_duty"])


@pytest.fixture
def verified(file, agent):
    def make(*args, **kwargs):
        c = file(*args, **kwargs)
        services.complaint_verify(actor=agent, complaint_id=c.pk)
        c.refresh_from_db()
        return c

    return make


def test_the_hook_is_registered_with_the_core():
    assert "routing.decision" in hooks.registered()["after_events"]


def test_an_api_dispatch_stores_the_suggestion_and_whether_it_was_followed(
        agent, verified, engineers, departments):
    first, second = engineers("甲", "乙")
    api = _api(agent)
    followed, overridden = verified(), verified(description="电梯门关不上")
    response = _api_act(api, followed, "assign", department="engineering", handler=first.pk,
                        plan="上门")
    assert response.status_code == 200, response.content
    decision = RouteDecision.objects.get(complaint=followed)
    assert not decision.overridden and decision.action == "assign" and decision.by == agent
    assert decision.suggested_department.code == "engineering"
    assert decision.suggested_handler == decision.chosen_handler == first
    assert decision.reason == "Lifts → Engineering → 甲: on duty, 0 open"
    assert decision.event == ComplaintEvent.objects.get(complaint=followed, action=Event.ASSIGN)

    # 甲 now has one open complaint, so 乙 is suggested; the caller insists on 甲.
    response = _api_act(api, overridden, "assign", department="engineering", handler=first.pk,
                        plan="甲师傅熟悉这台电梯")
    assert response.status_code == 200, response.content
    decision = RouteDecision.objects.get(complaint=overridden)
    assert decision.overridden
    assert decision.suggested_handler == second and decision.chosen_handler == first


def test_an_api_reassign_is_compared_with_the_suggestion_of_its_own_moment(
        agent, verified, engineers, departments):
    first, second = engineers("甲", "乙")
    c = verified()
    api = _api(agent)
    assert _api_act(api, c, "assign", department="engineering", handler=first.pk,
                    plan="上门").status_code == 200
    _set_on_duty(first, False)
    c.refresh_from_db()
    response = _api_act(api, c, "reassign", department="engineering", handler=second.pk,
                        plan="甲师傅休假", version=c.version)
    assert response.status_code == 200, response.content
    assign, reassign = RouteDecision.objects.filter(complaint=c).order_by("created_at", "pk")
    assert assign.action == "assign" and not assign.overridden
    assert reassign.action == "reassign" and not reassign.overridden
    assert reassign.suggested_handler == reassign.chosen_handler == second
    assert reassign.event.action == Event.REASSIGN


def test_the_api_detail_shows_the_suggestion_read_only(agent, verified, engineers):
    (first,) = engineers("甲")
    c = verified()
    api = _api(agent)
    detail = api.get(f"/api/v1/complaints/{c.number}").json()
    assert detail["route_suggestion"] == {
        "department": {"code": "engineering", "name": "工程部"},
        "handler": {"id": first.pk, "name": "甲"}, "reasons": ["on duty", "0 open"],
        "text": "Lifts → Engineering → 甲: on duty, 0 open"}
    assert not RouteDecision.objects.exists()
    response = _api_act(api, c, "assign", department="engineering", plan="上门")
    assert response.json()["route_suggestion"] is None  # dispatched: nothing to suggest
    decision = RouteDecision.objects.get(complaint=c)
    assert decision.overridden and decision.chosen_handler is None  # the department decides


def test_a_console_dispatch_stores_the_suggestion_and_the_override(
        client, agent, verified, engineers, departments):
    first, second = engineers("甲", "乙")
    c = verified()
    client.force_login(agent)
    page = _page(client, c)
    assert f'<option value="{first.pk}" selected' in page
    assert "Suggested: Lifts → Engineering → 甲: on duty, 0 open" in page
    assert not RouteDecision.objects.exists()  # showing it stored nothing
    response = client.post(f"/console/c/{c.number}/act/assign/", {
        "version": c.version, "department": departments["engineering"].pk, "handler": second.pk,
        "plan": "乙师傅熟悉这台电梯", "urgency": "normal"})
    assert response.status_code == 302
    decision = RouteDecision.objects.get(complaint=c)
    assert decision.overridden and decision.by == agent and decision.action == "assign"
    assert decision.suggested_handler == first and decision.chosen_handler == second
    assert decision.event.actor == agent
    page = _page(client, c)
    assert "Suggestion overridden by 客服小李 (suggested: Lifts → Engineering → 甲: on duty, 0 open)." \
        in page


def test_the_dispatch_is_compared_with_the_suggestion_of_its_moment_not_the_last_viewed(
        client, agent, verified, engineers, departments):
    first, _second = engineers("甲", "乙")
    c = verified()
    client.force_login(agent)
    assert "Suggested: Lifts → Engineering → 甲" in _page(client, c)
    _set_on_duty(first, False)
    # The last page the desk saw suggested 乙 ...
    assert "Suggested: Lifts → Engineering → 乙" in _page(client, c)
    # ... but 甲 is back on duty when the dispatch happens, and 甲 is chosen.
    _set_on_duty(first, True)
    response = client.post(f"/console/c/{c.number}/act/assign/", {
        "version": c.version, "department": departments["engineering"].pk, "handler": first.pk,
        "plan": "上门", "urgency": "normal"})
    assert response.status_code == 302
    decision = RouteDecision.objects.get(complaint=c)
    assert not decision.overridden
    assert decision.suggested_handler == decision.chosen_handler == first


def test_a_dispatch_through_the_services_is_recorded_too(agent, verified, engineers, departments):
    """The demo and the incidents dispatch through the services, with no page in between."""
    (first,) = engineers("甲")
    c = verified()
    services.complaint_assign(actor=agent, complaint_id=c.pk, department=departments["engineering"],
                              handler=first, plan="上门")
    decision = RouteDecision.objects.get(complaint=c)
    assert not decision.overridden and decision.by == agent


def test_the_members_of_an_incident_are_recorded_when_the_lead_is_dispatched(
        agent, file, world, engineers, departments):
    (first,) = engineers("甲")
    rooms, lift = world["a"]["rooms"], world["a"]["lift"]
    t0 = timezone.now() - timedelta(hours=1)
    lead = file("elevator", facility=lift, room=rooms[0], at=t0, contact_phone="13800000001")
    member = file("elevator", facility=lift, room=rooms[1], at=t0 + timedelta(minutes=5),
                  contact_phone="13800000002")
    assert incidents.sweep() == 1
    services.complaint_verify(actor=agent, complaint_id=lead.pk)
    lead = services.complaint_assign(actor=agent, complaint_id=lead.pk,
                                     department=departments["engineering"], handler=first,
                                     plan="维保单位一小时内到场")
    assert incidents.dispatch_members(lead, agent) == 1
    decision = RouteDecision.objects.get(complaint=member)
    assert decision.action == "assign" and decision.by == agent
    assert decision.chosen_handler == first


def test_a_dispatch_without_a_category_records_nothing(agent, verified, departments):
    c = verified(None)
    services.complaint_assign(actor=agent, complaint_id=c.pk, department=departments["engineering"],
                              plan="上门")
    assert not RouteDecision.objects.filter(complaint=c).exists()


def test_a_dispatch_that_rolls_back_leaves_no_decision(agent, verified, engineers, departments):
    (first,) = engineers("甲")
    c = verified()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.complaint_assign(actor=agent, complaint_id=c.pk,
                                  department=departments["engineering"], handler=first, plan="上门")
        assert RouteDecision.objects.filter(complaint=c).exists()  # inside the transaction
        raise Abort
    assert not RouteDecision.objects.filter(complaint=c).exists()
