"""GET /complaints, /complaints/{number} and the reference lists, within each caller's reach."""

from datetime import timedelta

from django.utils import timezone

from anju.complaints import services
from anju.complaints.models import Channel, Complaint, Urgency
from tests.api.conftest import error_of


def test_the_list_is_newest_first_and_paginated(api_for, agent, new_complaint):
    numbers = [new_complaint(description=f"第{i}件").number for i in range(5)]
    api = api_for(agent)

    first = api.get("/complaints", {"limit": 2}).json()
    assert first["count"] == 5 and first["limit"] == 2 and first["offset"] == 0
    assert [c["number"] for c in first["items"]] == numbers[::-1][:2]
    last = api.get("/complaints", {"limit": 2, "offset": 4}).json()
    assert [c["number"] for c in last["items"]] == [numbers[0]]
    assert api.get("/complaints", {"offset": 50}).json()["items"] == []
    assert first["count_exact"] is True


def test_the_list_counts_up_to_a_limit(api_for, agent, new_complaint, monkeypatch):
    from anju.complaints import selectors

    for i in range(3):
        new_complaint(description=f"第{i}件")
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    page = api_for(agent).get("/complaints", {"limit": 1}).json()
    assert page["count"] == 2 and page["count_exact"] is False and len(page["items"]) == 1


def test_the_list_filters_by_status_estate_category_urgency_channel_and_escalation(
        api_for, quality, agent, agent_b, new_complaint, world, categories, departments):
    plain = new_complaint()
    urgent = new_complaint(urgency=Urgency.URGENT, category=categories["elevator"])
    phoned = new_complaint(actor=agent, channel=Channel.PHONE, description="电话投诉")
    in_b = new_complaint(actor=agent_b, estate=world["b"]["estate"], room=None)
    services.complaint_verify(actor=agent, complaint_id=plain.pk)
    services.complaint_escalate(actor=quality, complaint_id=urgent.pk, reason="领导关注")
    api = api_for(quality)

    def numbers(**params):
        response = api.get("/complaints", params)
        assert response.status_code == 200, response.content
        return {c["number"] for c in response.json()["items"]}

    assert numbers(status="verified") == {plain.number}
    assert numbers(estate="b") == {in_b.number}
    assert numbers(category="elevator") == {urgent.number}
    assert numbers(urgency="urgent") == {urgent.number}
    assert numbers(channel="phone") == {phoned.number}
    assert numbers(escalated="true") == {urgent.number}
    assert numbers(q=phoned.number) == {phoned.number}
    assert numbers(q="电话") == {phoned.number}
    assert numbers(q="13800001111") == {plain.number, urgent.number}


def test_the_list_filters_by_creation_time(api_for, agent, new_complaint):
    now = timezone.now()
    old = new_complaint(now=now - timedelta(days=10))
    recent = new_complaint(now=now - timedelta(hours=1))
    api = api_for(agent)
    since = (now - timedelta(days=2)).isoformat()
    after = api.get("/complaints", {"created_after": since}).json()["items"]
    assert [c["number"] for c in after] == [recent.number]
    before = api.get("/complaints", {"created_before": since}).json()["items"]
    assert [c["number"] for c in before] == [old.number]
    # A bare date is midnight in Asia/Shanghai.
    day = timezone.localdate(now + timedelta(days=1)).isoformat()
    assert api.get("/complaints", {"created_after": day}).json()["count"] == 0


def test_bad_list_parameters_are_field_errors(api_for, agent):
    response = api_for(agent).get("/complaints", {"limit": 1000, "status": "lost",
                                                  "created_after": "soon"})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"limit", "status", "created_after"}


def test_the_list_holds_only_what_the_caller_may_see(api_for, agent_b, resident, other_resident,
                                                     new_complaint):
    mine = new_complaint()
    theirs = new_complaint(actor=other_resident.user, room=other_resident.rooms.first())

    assert api_for(agent_b).get("/complaints").json()["count"] == 0
    own = api_for(resident.user).get("/complaints").json()
    assert [c["number"] for c in own["items"]] == [mine.number]
    assert api_for(resident.user).get(f"/complaints/{theirs.number}").status_code == 404


def test_the_list_does_not_query_per_row(api_for, agent, new_complaint,
                                         django_assert_max_num_queries):
    for i in range(8):
        new_complaint(description=f"第{i}件")
    api = api_for(agent)
    api.get("/me")
    with django_assert_max_num_queries(4):
        response = api.get("/complaints")
    assert len(response.json()["items"]) == 8


def test_the_detail_has_the_timeline_allowed_actions_and_version(api_for, agent, new_complaint):
    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk, note="属实")
    response = api_for(agent).get(f"/complaints/{complaint.number}")
    assert response.status_code == 200
    detail = response.json()
    assert detail["number"] == complaint.number and detail["status"] == "verified"
    assert detail["version"] == 2
    assert [e["action"] for e in detail["events"]] == ["complaint.received", "complaint.verify"]
    assert detail["events"][1]["actor"] == "客服小李" and detail["events"][1]["note"] == "属实"
    actions = [a["code"] for a in detail["allowed_actions"]]
    assert "assign" in actions and "resolve" not in actions and "verify" not in actions
    assert detail["place"]["label"] == "翠湖苑 1栋1单元101"
    # Staff see the complainant masked; an agent may reveal them (tests/api/test_reveal.py).
    assert detail["complainant"] == {"name": "张*", "phone": "138****1111", "email": "",
                                     "masked": True, "can_reveal": True}


def test_the_detail_shows_what_the_resident_may_do(api_for, resident, new_complaint):
    complaint = new_complaint()
    detail = api_for(resident.user).get(f"/complaints/{complaint.number}").json()
    assert [a["code"] for a in detail["allowed_actions"]] == ["withdraw", "note"]


def test_handlers_see_a_masked_phone_and_nothing_of_anonymous_complainants(
        api_for, agent, handler, departments, new_complaint):
    def assigned(**kwargs):
        complaint = new_complaint(**kwargs)
        services.complaint_verify(actor=agent, complaint_id=complaint.pk)
        services.complaint_assign(actor=agent, complaint_id=complaint.pk, plan="上门",
                                  department=departments["engineering"], handler=handler)
        return complaint

    named, anonymous = assigned(), assigned(anonymous=True)
    api = api_for(handler)
    shown = api.get(f"/complaints/{named.number}").json()["complainant"]
    assert shown == {"name": "张*", "phone": "138****1111", "email": "", "masked": True,
                     "can_reveal": True}
    assert api.get(f"/complaints/{anonymous.number}").json()["complainant"] is None


def test_a_complaint_out_of_reach_is_404_like_one_that_does_not_exist(api_for, agent_b,
                                                                     new_complaint):
    complaint = new_complaint()
    api = api_for(agent_b)
    hidden = api.get(f"/complaints/{complaint.number}")
    missing = api.get("/complaints/TS209901010001")
    assert hidden.status_code == missing.status_code == 404
    assert error_of(hidden) == error_of(missing)


def test_confidential_complaints_are_for_quality_only(api_for, agent, quality, new_complaint):
    secret = new_complaint(confidential=True)
    assert api_for(agent).get(f"/complaints/{secret.number}").status_code == 404
    assert api_for(quality).get(f"/complaints/{secret.number}").status_code == 200


def test_categories_and_departments_are_listed(api_for, agent, categories, departments):
    api = api_for(agent)
    listed = api.get("/categories").json()
    assert {c["code"] for c in listed} == {c.code for c in categories.values() if c.is_active}
    repair = next(c for c in listed if c["code"] == "repair")
    assert repair["department"] == categories["repair"].department.code
    assert {d["code"] for d in api.get("/departments").json()} >= {"engineering", "environment"}


def test_estates_are_those_within_reach(api_for, agent, quality, resident):
    assert [e["code"] for e in api_for(agent).get("/estates").json()] == ["a"]
    assert [e["code"] for e in api_for(quality).get("/estates").json()] == ["a", "b"]
    assert [e["code"] for e in api_for(resident.user).get("/estates").json()] == ["a"]


def test_me_tells_a_resident_their_role(api_for, resident):
    me = api_for(resident.user).get("/me").json()
    assert me["role"] == "resident" and me["name"] == "张三" and me["estates"] == ["a"]


def test_a_user_without_a_role_sees_nothing(api_for, django_user_model, new_complaint):
    new_complaint()
    nobody = django_user_model.objects.create_user(username="nobody", password="x")
    api = api_for(nobody)
    assert api.get("/me").json()["role"] is None
    assert api.get("/complaints").json()["count"] == 0
    assert api.get("/estates").json() == []
    assert Complaint.objects.count() == 1
