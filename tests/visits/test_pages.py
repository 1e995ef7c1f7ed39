from __future__ import annotations

import time
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from anju.complaints.models import Status
from anju.visits import links, services
from anju.visits.models import ReturnVisit, SurveyResponse


def _login(client, user):
    client.force_login(user)
    return client


def test_the_list_puts_the_earliest_due_first_and_shows_only_visits_in_reach(
        client, resolve, agent, agent_b, handler):
    late, soon = resolve(), resolve()
    now = timezone.now()
    v_soon = services.visit_open(complaint_id=soon.pk)
    v_late = services.visit_open(complaint_id=late.pk)
    ReturnVisit.objects.filter(pk=v_late.pk).update(due_at=now - timedelta(hours=3))  # overdue
    ReturnVisit.objects.filter(pk=v_soon.pk).update(due_at=now + timedelta(hours=3))
    page = _login(client, agent).get(reverse("console:visits")).content.decode()
    assert page.index(f"/console/visits/{v_late.pk}/") < page.index(f"/console/visits/{v_soon.pk}/")
    assert "Overdue" in page
    page_b = _login(client, agent_b).get(reverse("console:visits")).content.decode()
    assert f"/console/visits/{v_late.pk}/" not in page_b
    assert _login(client, handler).get(reverse("console:visits")).status_code == 403


def test_the_call_screen_shows_the_script_and_a_masked_phone(client, resolve, agent, settings):
    settings.ANJU_VISIT_SCRIPT = "您好，这里是物业服务中心，回访投诉 %(number)s。"
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    page = _login(client, agent).get(reverse("console:visit", args=[visit.pk])).content.decode()
    assert f"回访投诉 {complaint.number}" in page
    assert "138****1111" in page and "13800001111" not in page


def test_the_agent_records_attempts_and_the_survey_on_the_call_screen(client, resolve, agent):
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    _login(client, agent)
    url = reverse("console:visit_attempt", args=[visit.pk])
    assert client.post(url, {"outcome": "unreachable", "note": "关机"}).status_code == 302
    response = client.post(url, {"note": "no outcome"})
    assert response.status_code == 422 and "Please choose the outcome" in response.content.decode()
    response = client.post(reverse("console:visit_survey", args=[visit.pk]),
                           {"satisfaction": "5", "solved": "yes", "reasons": ["speed", "quality"]})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert SurveyResponse.objects.get(visit=visit).reasons == ["speed", "quality"]
    # Finished: a second survey is refused with a message, not a crash.
    response = client.post(reverse("console:visit_survey", args=[visit.pk]), {"satisfaction": "1"})
    assert response.status_code == 422 and "already finished" in response.content.decode()


def _link(visit):
    return reverse("visits:survey", args=[links.token_for(visit)])


def test_a_signed_link_needs_no_sign_in_and_works_once(client, phone_complaint):
    complaint = phone_complaint()
    visit = services.visit_open(complaint_id=complaint.pk)
    url = _link(visit)
    page = client.get(url)
    assert page.status_code == 200 and complaint.number in page.content.decode()
    response = client.post(url, {"satisfaction": "4", "solved": "yes", "reasons": ["attitude"],
                                 "comment": "师傅很耐心"})
    assert response.status_code == 200 and "Thank you for your rating" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.satisfaction == 4
    answer = SurveyResponse.objects.get(complaint=complaint)
    assert (answer.source, answer.reasons, answer.recorded_by) == ("link", ["attitude"], None)
    again = client.post(url, {"satisfaction": "1", "solved": "no"})
    assert again.status_code == 410 and "already been answered" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_dissatisfied_link_answer_reopens_the_complaint(client, resolve):
    complaint = resolve()
    url = _link(services.visit_open(complaint_id=complaint.pk))
    response = client.post(url, {"satisfaction": "3", "solved": "no", "reasons": ["result"]})
    assert response.status_code == 200 and "reopened" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED and complaint.escalated


def test_an_expired_link_is_refused(client, resolve, settings, monkeypatch):
    settings.ANJU_VISIT_LINK_DAYS = 7
    visit = services.visit_open(complaint_id=resolve().pk)
    eight_days_ago = time.time() - 8 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    url = _link(visit)
    monkeypatch.undo()
    response = client.get(url)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert client.post(url, {"satisfaction": "5"}).status_code == 410


def test_a_tampered_link_is_refused(client, resolve):
    visit = services.visit_open(complaint_id=resolve().pk)
    token = links.token_for(visit)
    forged = signing.dumps({"v": visit.pk, "n": visit.link_nonce}, salt="another salt")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "nonsense"):
        response = client.post(reverse("visits:survey", args=[bad]), {"satisfaction": "5"})
        assert response.status_code == 404 and "not valid" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_new_link_replaces_the_old_one(client, resolve):
    visit = services.visit_open(complaint_id=resolve().pk)
    old = _link(visit)
    new = _link(visit)
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


def test_bad_survey_input_is_a_clear_message(client, resolve):
    complaint = resolve()
    url = _link(services.visit_open(complaint_id=complaint.pk))
    for body in ({"satisfaction": "9"}, {}, {"satisfaction": "5", "reasons": ["bribes"]},
                 {"satisfaction": "x", "comment": "长" * 3000}):
        response = client.post(url, body)
        assert response.status_code == 422, body
    assert "Please choose from one to five stars" in client.post(url, {}).content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_the_page_is_chinese_by_default(client, resolve, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    url = _link(services.visit_open(complaint_id=resolve().pk))
    assert "满意" in client.get(url).content.decode()


def test_the_portal_rating_page_collects_the_same_survey(client, resolve, resident):
    complaint = resolve()
    _login(client, resident.user)
    url = reverse("portal:rate", args=[complaint.number])
    assert 'name="reasons"' in client.get(url).content.decode()
    response = client.post(url, {"satisfaction": "5", "solved": "yes", "reasons": ["speed"],
                                 "comment": "很及时", "version": complaint.version})
    assert response.status_code == 302
    answer = SurveyResponse.objects.get(complaint=complaint)
    assert (answer.source, answer.reasons, answer.comment) == ("portal", ["speed"], "很及时")
