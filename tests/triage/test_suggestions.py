"""Every new complaint gets a suggestion; staff accept or correct it on the complaint page."""

from __future__ import annotations

from django.test import Client

from anju.complaints.models import ComplaintEvent
from anju.triage.models import Suggestion
from anju.triage.services import suggestion_create


def url(complaint) -> str:
    return f"/console/c/{complaint.number}/suggestion/"


def test_a_received_complaint_gets_its_suggestion_from_the_background_task(
        new_complaint, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(description="电梯又坏了，停在五楼一整天", title="电梯故障")
    suggestion = Suggestion.objects.get(complaint=complaint)
    assert suggestion.outcome == Suggestion.Outcome.PENDING
    assert suggestion.category == suggestion.top[0][0] and 0 < suggestion.confidence <= 1
    assert suggestion.model_version and suggestion.in_scope == (suggestion.category != "out_of_scope")


def test_the_worker_gets_a_delivery_when_nothing_runs_it_at_once(
        new_complaint, django_capture_on_commit_callbacks):
    from anju.bus import runner
    from anju.bus.models import Delivery

    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint()
    delivery = Delivery.objects.get(subscriber="triage.suggestion")
    assert delivery.event.complaint_id == complaint.pk and delivery.event.action == "complaint.received"
    assert delivery.state == Delivery.State.PENDING
    assert not Suggestion.objects.exists()
    runner.drain()
    assert Suggestion.objects.filter(complaint=complaint).exists()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DONE


def test_the_suggestion_records_the_danger_rule(new_complaint):
    complaint = new_complaint(description="卫生间的插座冒烟了，还有焦糊味")
    suggestion = suggestion_create(complaint_id=complaint.pk)
    assert suggestion.urgency == "urgent"
    assert suggestion.rules[0]["rule"] == "danger.fire"
    assert suggestion_create(complaint_id=complaint.pk).pk == suggestion.pk  # made once


def test_the_page_shows_the_suggestion_with_confidence_and_rule(client, agent, new_complaint):
    complaint = new_complaint(description="楼道里一股煤气味")
    suggestion_create(complaint_id=complaint.pk)
    client.force_login(agent)
    page = client.get(f"/console/c/{complaint.number}/").content.decode()
    assert "Triage suggestion" in page and "confidence" in page
    assert "gas leak（一股煤气）" in page
    assert "Accept suggestion" in page and 'action="' + url(complaint) in page


def test_accepting_in_one_click_classifies_the_complaint_and_records_who(client, agent, new_complaint):
    complaint = new_complaint(description="小区里有人遛狗不牵绳，还把我家孩子咬伤了", urgency="low")
    suggestion = suggestion_create(complaint_id=complaint.pk)
    client.force_login(agent)
    response = client.post(url(complaint), {"decision": "accept", "version": complaint.version})
    assert response.status_code == 302 and response["Location"] == f"/console/c/{complaint.number}/"
    complaint.refresh_from_db()
    suggestion.refresh_from_db()
    assert suggestion.outcome == "accepted" and suggestion.decided_by == agent
    assert suggestion.final_category == suggestion.category and suggestion.final_urgency == "urgent"
    assert complaint.category.code == suggestion.category and complaint.urgency == "urgent"
    event = ComplaintEvent.objects.filter(complaint=complaint).last()
    assert event.action == "complaint.classify" and event.actor == agent
    assert event.note == "Triage suggestion accepted."


def test_correcting_goes_through_classify_and_is_recorded(client, agent, new_complaint, categories):
    complaint = new_complaint(description="楼上漏水把我家天花板泡坏了，他们不肯赔")
    suggestion_create(complaint_id=complaint.pk)
    client.force_login(agent)
    response = client.post(url(complaint), {"decision": "correct", "category": categories["fees"].pk,
                                            "urgency": "low", "note": "其实是问赔偿费用",
                                            "version": complaint.version})
    assert response.status_code == 302
    complaint.refresh_from_db()
    suggestion = Suggestion.objects.get(complaint=complaint)
    assert suggestion.outcome == "corrected" and suggestion.decided_by == agent
    assert (suggestion.final_category, suggestion.final_urgency) == ("fees", "low")
    assert complaint.category.code == "fees" and complaint.urgency == "low"
    event = ComplaintEvent.objects.filter(complaint=complaint).last()
    assert event.action == "complaint.classify" and event.note == "其实是问赔偿费用"
    assert event.data["category"] == "fees"


def test_deciding_twice_is_refused(client, agent, new_complaint):
    complaint = new_complaint()
    suggestion_create(complaint_id=complaint.pk)
    client.force_login(agent)
    client.post(url(complaint), {"decision": "accept", "version": complaint.version})
    complaint.refresh_from_db()
    client.post(url(complaint), {"decision": "accept", "version": complaint.version})
    assert Suggestion.objects.get(complaint=complaint).outcome == "accepted"
    assert ComplaintEvent.objects.filter(complaint=complaint, action="complaint.classify").count() <= 1


def test_a_correction_without_a_category_changes_nothing(client, agent, new_complaint):
    complaint = new_complaint()
    suggestion_create(complaint_id=complaint.pk)
    client.force_login(agent)
    client.post(url(complaint), {"decision": "correct", "urgency": "low", "version": complaint.version})
    assert Suggestion.objects.get(complaint=complaint).outcome == "pending"


def test_the_form_needs_the_csrf_token(agent, new_complaint):
    complaint = new_complaint()
    suggestion_create(complaint_id=complaint.pk)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    response = browser.post(url(complaint), {"decision": "accept", "version": complaint.version})
    assert response.status_code == 403
    assert Suggestion.objects.get(complaint=complaint).outcome == "pending"


def test_a_handler_may_not_decide_and_other_estates_do_not_see_it(client, handler, agent_b, new_complaint):
    complaint = new_complaint()
    suggestion_create(complaint_id=complaint.pk)
    client.force_login(agent_b)
    assert client.post(url(complaint), {"decision": "accept", "version": 1}).status_code == 404
    client.force_login(handler)  # sees the open complaints of engineering only once assigned
    response = client.post(url(complaint), {"decision": "accept", "version": 1})
    assert response.status_code in (302, 404)
    assert Suggestion.objects.get(complaint=complaint).outcome == "pending"


def test_the_page_offers_no_buttons_to_those_who_may_not_classify(client, quality, new_complaint):
    complaint = new_complaint(description="楼道灯坏了")
    suggestion_create(complaint_id=complaint.pk)
    from anju.complaints.access import allowed_actions

    client.force_login(quality)
    page = client.get(f"/console/c/{complaint.number}/").content.decode()
    if not any(t.action == "classify" for t in allowed_actions(quality, complaint)):
        assert "Accept suggestion" not in page


def test_the_page_shows_a_suggestion_before_the_worker_stored_one(client, agent, new_complaint):
    complaint = new_complaint(description="垃圾桶满了三天没人清运")
    client.force_login(agent)
    page = client.get(f"/console/c/{complaint.number}/").content.decode()
    assert "Triage suggestion" in page
    assert not Suggestion.objects.exists()  # a page view writes nothing
    client.post(url(complaint), {"decision": "accept", "version": complaint.version})
    assert Suggestion.objects.get(complaint=complaint).outcome == "accepted"
