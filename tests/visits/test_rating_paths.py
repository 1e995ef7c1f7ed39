"""One rating service, whatever the path: console (the complaint page's way to the call
screen), API, portal, return call, signed link.

Every path must leave the same rows and effects — the complaint's state, the supervision,
the survey answer (with its real source), the return visit's state, the supervisors'
notice — differing only in the source.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from anju.accounts.models import ApiToken
from anju.complaints.events import Event
from anju.complaints.models import RatingSource, Status
from anju.notify.models import Message
from anju.visits import links, services
from anju.visits.models import ReturnVisit, SurveyResponse

pytestmark = pytest.mark.django_db


def _call_screen(client, complaint):
    """From the complaint page to the call screen of its return visit (the console's one way)."""
    response = client.post(f"/console/c/{complaint.number}/return-visit/")
    assert response.status_code == 302, response.content[:2000]
    return response["Location"]


def _console(user, complaint, *, stars, solved, comment):
    client = Client()
    client.force_login(user)
    screen = _call_screen(client, complaint)
    response = client.post(f"{screen}survey/", {
        "satisfaction": stars, "solved": "yes" if solved else "no", "comment": comment})
    assert response.status_code == 302, response.content[:2000]


def _api(user, complaint, *, stars, solved, comment):
    _token, key = ApiToken.issue(user=user, name="tests")
    response = Client().post(
        f"/api/v1/complaints/{complaint.number}/actions/rate",
        json.dumps({"satisfaction": stars, "solved": solved, "comment": comment}),
        content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.content


def _portal(resident_user, complaint, *, stars, solved, comment):
    client = Client()
    client.force_login(resident_user)
    response = client.post(reverse("portal:rate", args=[complaint.number]), {
        "satisfaction": stars, "solved": "yes" if solved else "no", "comment": comment})
    assert response.status_code == 302, response.content[:2000]


def _call(agent, complaint, *, stars, solved, comment):
    visit = ReturnVisit.objects.get(complaint=complaint, state=ReturnVisit.State.OPEN)
    services.survey_by_call(actor=agent, visit_id=visit.pk, answers=services.Answers(
        stars=stars, solved=solved, comment=comment))


def _link(_user, complaint, *, stars, solved, comment):
    visit = ReturnVisit.objects.get(complaint=complaint, state=ReturnVisit.State.OPEN)
    token = links.token_for(visit)
    services.survey_by_link(token=token, answers=services.Answers(
        stars=stars, solved=solved, comment=comment))


PATHS = {
    "console": (RatingSource.CALL, "agent", _console),
    "api": (RatingSource.API, "agent", _api),
    "portal": (RatingSource.PORTAL, "resident", _portal),
    "call": (RatingSource.CALL, "agent", _call),
    "link": (RatingSource.LINK, "agent", _link),
}


def effects(complaint, supervisor):
    complaint.refresh_from_db()
    [answer] = SurveyResponse.objects.filter(complaint=complaint)
    return {
        "status": complaint.status, "escalated": complaint.escalated,
        "reopen_count": complaint.reopen_count, "satisfaction": complaint.satisfaction,
        "supervisions": list(complaint.supervisions.values_list("level", "reason")),
        "events": list(complaint.events.filter(action__in=(Event.RATE, Event.RATE_REOPEN))
                       .values_list("action", "data__satisfaction", "data__solved")),
        "answer": (answer.stars, answer.solved, answer.dissatisfied, answer.comment,
                   answer.event.action, answer.visit_id is not None),
        "visits": list(complaint.return_visits.values_list("state", flat=True)),
        "supervisor_told": Message.objects.filter(user=supervisor, kind="visit.dissatisfied",
                                                  complaint=complaint).count(),
    }, answer.source


@pytest.mark.parametrize("stars,solved", [(2, False), (5, True)], ids=["dissatisfied", "satisfied"])
def test_every_path_has_the_same_effects(stars, solved, resolve, agent, resident, supervisor):
    seen = {}
    for path, (source, who, rate) in PATHS.items():
        complaint = resolve()
        services.visit_open(complaint_id=complaint.pk)
        complaint.refresh_from_db()
        user = agent if who == "agent" else resident.user
        rate(user, complaint, stars=stars, solved=solved, comment="师傅态度还行")
        result, stored_source = effects(complaint, supervisor)
        assert stored_source == source, path
        seen[path] = result
    first = next(iter(seen.values()))
    for path, result in seen.items():
        assert result == first, path
    if stars == 2:
        assert first["status"] == Status.ASSIGNED and first["escalated"] and first["supervisor_told"] == 1
        assert first["visits"] == [ReturnVisit.State.ANSWERED]
        [(level, reason)] = first["supervisions"]
        assert level == "dissatisfied" and "师傅态度还行" in reason
    else:
        assert first["status"] == Status.CLOSED and first["supervisor_told"] == 0
        assert first["visits"] == [ReturnVisit.State.ANSWERED]


def test_unreachable_leaves_the_visit_unreachable_on_every_path(resolve, agent):
    by_console = resolve()
    services.visit_open(complaint_id=by_console.pk)
    client = Client()
    client.force_login(agent)
    screen = _call_screen(client, by_console)
    assert client.post(f"{screen}close/", {"note": "三次未接通"}).status_code == 302
    by_call_screen = resolve()
    visit = services.visit_open(complaint_id=by_call_screen.pk)
    services.visit_close_unreachable(actor=agent, visit_id=visit.pk, note="三次未接通")
    for complaint in (by_console, by_call_screen):
        complaint.refresh_from_db()
        assert complaint.status == Status.CLOSED
        assert list(complaint.return_visits.values_list("state", flat=True)) == [
            ReturnVisit.State.UNREACHABLE]


def test_a_rating_with_reasons_tells_the_supervisor_why_in_their_language(resolve, agent, supervisor,
                                                                          settings):
    settings.LANGUAGE_CODE = "zh-hans"
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    services.survey_by_call(actor=agent, visit_id=visit.pk, answers=services.Answers(
        stars=1, solved=False, reasons=["speed", "attitude"], comment="等了三天"))
    [supervision] = complaint.supervisions.all()
    assert supervision.reason.startswith("未解决")
    assert "star" not in supervision.reason and "about" not in supervision.reason
    bell = Message.objects.get(user=supervisor, kind="visit.dissatisfied")
    assert complaint.number in bell.body and "等了三天" in bell.body
