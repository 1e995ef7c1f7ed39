"""POST /complaints/{number}/actions/{action}: every transition through the API."""

import pytest

from anju.api.actions import FIELDS
from anju.complaints.models import Complaint, Status
from anju.complaints.transitions import TABLE
from tests.api.conftest import error_of


@pytest.fixture
def act(api_for):
    """act(user, complaint, action, **body) → the response; no fields, no body at all."""
    clients = {}

    def perform(user, complaint, action, **body):
        if user.pk not in clients:
            clients[user.pk] = api_for(user)
        return clients[user.pk].post(f"/complaints/{complaint.number}/actions/{action}",
                                     body or None)

    return perform


def ok(response, status):
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["status"] == status
    return detail


def test_every_action_of_the_table_has_a_field_mapping():
    assert set(FIELDS) == set(TABLE)


def test_a_complaint_walks_from_intake_to_closed_and_back(act, agent, handler, manager, resident,
                                                          new_complaint, departments):
    c = new_complaint()
    ok(act(agent, c, "verify", note="属实", category="repair", urgency="high"), "verified")
    ok(act(agent, c, "contact", note="已电话告知业主"), "verified")
    ok(act(agent, c, "assign", department="engineering", handler=handler.pk,
           plan="今天下午上门查看"), "assigned")
    ok(act(handler, c, "accept"), "in_progress")
    ok(act(handler, c, "hold", reason="等业主回家"), "on_hold")
    ok(act(handler, c, "resume", note="业主已回"), "in_progress")
    ok(act(handler, c, "note", note="已找到漏点"), "in_progress")
    ok(act(handler, c, "resolve", result="重做防水", root_cause="workmanship"), "resolved")
    closed = ok(act(resident.user, c, "rate", satisfaction=5, solved=True, comment="满意"),
                "closed")
    assert closed["satisfaction"] == 5 and closed["closed_at"] is not None
    reopened = ok(act(manager, c, "reopen", reason="又漏了"), "assigned")
    assert reopened["reopen_count"] == 1

    trail = [e["action"] for e in reopened["events"]]
    assert trail == ["complaint.received", "complaint.verify", "complaint.contact",
                     "complaint.assign", "complaint.accept", "complaint.hold", "complaint.resume",
                     "complaint.note", "complaint.resolve", "complaint.rate", "complaint.reopen"]
    saved = Complaint.objects.get(pk=c.pk)
    assert saved.category.code == "repair" and saved.urgency == "high"
    assert saved.department == departments["engineering"] and saved.handler == handler


def resolved(new_complaint, agent, handler, act):
    c = new_complaint()
    ok(act(agent, c, "verify"), "verified")
    ok(act(agent, c, "assign", department="engineering", handler=handler.pk, plan="上门"),
       "assigned")
    ok(act(handler, c, "accept"), "in_progress")
    ok(act(handler, c, "resolve", result="已修好"), "resolved")
    return c


def test_a_low_rating_reopens_and_escalates(act, agent, handler, resident, new_complaint):
    c = resolved(new_complaint, agent, handler, act)
    detail = ok(act(resident.user, c, "rate", satisfaction=1, solved=False, comment="没修好"),
                "assigned")
    assert detail["escalated"] is True
    reason = detail["supervisions"][0]["reason"]  # the rating as the supervisor reads it
    assert reason.startswith("未解决") and reason.endswith("没修好")


def test_rate_reopen_is_the_same_service(act, agent, handler, new_complaint):
    c = resolved(new_complaint, agent, handler, act)
    ok(act(agent, c, "rate_reopen", satisfaction=2), "assigned")


def test_close_unreachable_and_reassign(act, agent, handler, handler_env, new_complaint):
    c = resolved(new_complaint, agent, handler, act)
    ok(act(agent, c, "close_unreachable", note="三次未接通"), "closed")

    d = new_complaint()
    ok(act(agent, d, "verify"), "verified")
    ok(act(agent, d, "assign", department="engineering", plan="上门"), "assigned")
    moved = ok(act(agent, d, "reassign", department="environment", handler=handler_env.pk,
                   plan="其实是保洁问题"), "assigned")
    assert moved["department"]["code"] == "environment"
    assert moved["handler"]["id"] == handler_env.pk


def test_refer_out_withdraw_merge_escalate_and_classify(act, agent, manager, resident,
                                                       new_complaint):
    ok(act(agent, new_complaint(), "refer_out", reason="属于市政", advice="请拨打12345"),
       "referred_out")
    ok(act(resident.user, new_complaint(), "withdraw", reason="已自行解决"), "withdrawn")
    target = new_complaint()
    merged = ok(act(agent, new_complaint(), "merge", into_number=target.number), "merged")
    assert merged["merged_into"] == target.number
    escalated = ok(act(manager, target, "escalate", reason="超时未处理"), "received")
    assert escalated["escalated"] is True
    classified = ok(act(agent, target, "classify", category="elevator", urgency="urgent"),
                    "received")
    assert classified["category"]["code"] == "elevator" and classified["urgency"] == "urgent"


def test_an_action_the_role_may_not_take_is_403(act, agent, resident, new_complaint):
    c = new_complaint()
    forbidden = act(agent, c, "resolve", result="已修好")
    assert forbidden.status_code == 403
    assert error_of(forbidden)["code"] == "forbidden"
    assert act(resident.user, c, "verify").status_code == 403


def test_an_action_on_a_complaint_out_of_reach_is_404(act, agent_b, other_resident, new_complaint):
    c = new_complaint()
    for user in (agent_b, other_resident.user):
        response = act(user, c, "withdraw")
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    assert Complaint.objects.get(pk=c.pk).status == Status.RECEIVED


def test_an_action_illegal_in_the_status_is_409(act, agent, new_complaint):
    response = act(agent, new_complaint(), "rate", satisfaction=5)
    assert response.status_code == 409
    assert error_of(response)["code"] == "illegal_transition"


def test_a_stale_version_is_a_409_conflict_and_changes_nothing(act, agent, new_complaint):
    c = new_complaint()
    ok(act(agent, c, "contact", note="已告知", version=1), "received")
    stale = act(agent, c, "verify", version=1)
    assert stale.status_code == 409
    assert error_of(stale)["code"] == "conflict"
    assert Complaint.objects.get(pk=c.pk).status == Status.RECEIVED
    ok(act(agent, c, "verify", version=2), "verified")


def test_an_unknown_action_is_422(act, agent, new_complaint):
    response = act(agent, new_complaint(), "teleport")
    assert response.status_code == 422
    assert error_of(response)["code"] == "unknown_action"


def test_fields_the_action_does_not_use_are_refused(act, agent, new_complaint):
    c = new_complaint()
    response = act(agent, c, "verify", plan="不该在这里", satisfaction=5)
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"plan", "satisfaction"}
    assert Complaint.objects.get(pk=c.pk).status == Status.RECEIVED


def test_missing_or_unknown_values_are_field_errors(act, agent, handler_env, new_complaint):
    c = new_complaint()
    no_reason = act(agent, c, "refer_out", advice="12345")
    assert no_reason.status_code == 422 and list(error_of(no_reason)["fields"]) == ["reason"]
    ok(act(agent, c, "verify"), "verified")
    unknown = act(agent, c, "assign", department="spa", plan="x")
    assert unknown.status_code == 422 and list(error_of(unknown)["fields"]) == ["department"]
    wrong = act(agent, c, "assign", department="engineering", handler=handler_env.pk, plan="x")
    assert wrong.status_code == 422 and list(error_of(wrong)["fields"]) == ["handler"]
    ghost = act(agent, c, "assign", department="engineering", handler=999999, plan="x")
    assert ghost.status_code == 422 and list(error_of(ghost)["fields"]) == ["handler"]
    no_plan = act(agent, c, "assign", department="engineering")
    assert no_plan.status_code == 422 and list(error_of(no_plan)["fields"]) == ["plan"]
    stars = act(agent, c, "rate", satisfaction=9)
    assert stars.status_code == 422 and list(error_of(stars)["fields"]) == ["satisfaction"]


def test_a_note_is_added_with_its_own_endpoint(api_for, resident, new_complaint):
    c = new_complaint()
    api = api_for(resident.user)
    response = api.post(f"/complaints/{c.number}/notes", {"note": "晚上八点后在家"})
    assert response.status_code == 201
    assert response.json()["events"][-1]["note"] == "晚上八点后在家"
    blank = api.post(f"/complaints/{c.number}/notes", {"note": " "})
    assert blank.status_code == 422 and list(error_of(blank)["fields"]) == ["note"]
    stale = api.post(f"/complaints/{c.number}/notes", {"note": "再补充", "version": 1})
    assert stale.status_code == 409


def test_required_fields_are_named_together_and_each_action_keeps_its_own_limits(
        act, agent, new_complaint):
    c = new_complaint()
    missing = act(agent, c, "refer_out")
    assert missing.status_code == 422 and set(error_of(missing)["fields"]) == {"reason", "advice"}
    # The body allows notes of 5000 characters (other actions'); verify's is at most 300.
    long = act(agent, c, "verify", note="属" * 301)
    assert long.status_code == 422 and list(error_of(long)["fields"]) == ["note"]
    ok(act(agent, c, "verify", note="属" * 300), "verified")
    ok(act(agent, c, "merge", into_number=f" {new_complaint().number.lower()} "), "merged")


def test_a_rating_through_the_api_takes_reasons(act, agent, handler, new_complaint):
    from anju.visits.models import SurveyResponse

    c = resolved(new_complaint, agent, handler, act)
    ok(act(agent, c, "rate", satisfaction=2, reasons=["speed", "attitude"]), "assigned")
    answer = SurveyResponse.objects.get(complaint=c)
    assert answer.reasons == ["speed", "attitude"] and answer.source == "api"
    bad = act(agent, resolved(new_complaint, agent, handler, act), "rate", satisfaction=5,
              reasons=["weather"])
    assert bad.status_code == 422 and list(error_of(bad)["fields"]) == ["reasons.0"]


def test_the_openapi_document_lists_each_action_with_its_fields(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/complaints/{number}/actions/{action}"]["post"]
    for action, fields in FIELDS.items():
        line = next(row for row in operation["description"].splitlines()
                    if row.startswith(f"- `{action}`:"))
        assert all(f"`{name}`" in line for name in fields), line
    schema = document["components"]["schemas"]["ActionIn"]
    assert set(schema["properties"]) == {name for fields in FIELDS.values() for name in fields} | {
        "version"}
    assert schema["additionalProperties"] is False
    assert "`refer_out` (required, at most 300 characters)" in schema["properties"]["reason"][
        "description"]
