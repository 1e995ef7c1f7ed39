"""Every action through the console's one action view; refusals are clear and change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.complaints.models import Attachment, ComplaintEvent, Status
from tests.console.conftest import act, page_text

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
       b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\xa0"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def photo(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def done(response, complaint):
    """The action succeeded: back to the complaint page with a success message."""
    assert response.status_code == 302, page_text(response)[:3000]
    assert response["Location"] == f"/console/c/{complaint.number}/"
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def desk(as_user, agent):
    return as_user(agent)


# ------------------------------------------------------------------ the happy paths


def test_verify_records_scope_category_and_urgency(desk, new_complaint, categories):
    complaint = new_complaint()
    complaint = done(act(desk, complaint, "verify", note="物业维修范围", category=categories["repair"].pk,
                         urgency="high"), complaint)
    assert complaint.status == Status.VERIFIED and complaint.in_scope is True
    assert complaint.category.code == "repair" and complaint.urgency == "high"


def test_refer_out_closes_the_complaint(desk, new_complaint):
    complaint = new_complaint()
    complaint = done(act(desk, complaint, "refer_out", reason="属于开发商保修",
                         advice="请联系开发商客服"), complaint)
    assert complaint.status == Status.REFERRED_OUT
    assert complaint.referral_advice == "请联系开发商客服"


def test_dispatch_assigns_department_handler_and_plan(desk, new_complaint, advance, departments,
                                                      handler):
    complaint = advance(new_complaint(), Status.VERIFIED)
    complaint = done(act(desk, complaint, "assign", department=departments["engineering"].pk,
                         handler=handler.pk, plan="下午两点上门", urgency="normal"), complaint)
    assert complaint.status == Status.ASSIGNED
    assert complaint.handler == handler and complaint.plan == "下午两点上门"


def test_dispatch_to_a_department_without_a_handler(desk, new_complaint, advance, departments):
    complaint = advance(new_complaint(), Status.VERIFIED)
    complaint = done(act(desk, complaint, "assign", department=departments["environment"].pk,
                         handler="", plan="请环境部安排", urgency="normal"), complaint)
    assert complaint.department.code == "environment" and complaint.handler is None


def test_reassign_moves_it_to_another_handler(desk, new_complaint, advance, departments,
                                              handler_env):
    complaint = advance(new_complaint(), Status.IN_PROGRESS)
    complaint = done(act(desk, complaint, "reassign", department=departments["environment"].pk,
                         handler=handler_env.pk, plan="转环境部", urgency="normal"), complaint)
    assert complaint.status == Status.ASSIGNED and complaint.handler == handler_env


def test_the_handler_signs_for_holds_resumes_and_resolves_with_photos(as_user, handler,
                                                                      new_complaint, advance):
    client = as_user(handler)
    complaint = advance(new_complaint(), Status.ASSIGNED)
    assert done(act(client, complaint, "accept"), complaint).status == Status.IN_PROGRESS
    assert done(act(client, complaint, "hold", reason="等配件"), complaint).status == Status.ON_HOLD
    assert done(act(client, complaint, "resume"), complaint).status == Status.IN_PROGRESS
    response = act(client, complaint, "resolve", result="已更换阀门", root_cause="facility_ageing",
                   before_files=[photo("before.png")], after_files=[photo("a1.png"), photo("a2.png")])
    complaint = done(response, complaint)
    assert complaint.status == Status.RESOLVED and complaint.root_cause == "facility_ageing"
    kinds = sorted(complaint.attachments.values_list("kind", flat=True))
    assert kinds == [Attachment.Kind.AFTER, Attachment.Kind.AFTER, Attachment.Kind.BEFORE]


def _call_screen(client, complaint):
    """The complaint page's one way to the return visit, followed: the call screen's URL."""
    response = client.post(f"/console/c/{complaint.number}/return-visit/")
    assert response.status_code == 302 and response["Location"].startswith("/console/visits/")
    return response["Location"]


def test_a_satisfied_return_visit_closes(desk, new_complaint, advance):
    complaint = advance(new_complaint(), Status.RESOLVED)
    screen = _call_screen(desk, complaint)
    response = desk.post(f"{screen}survey/", {"satisfaction": 5, "solved": "yes",
                                              "reasons": ["speed"], "comment": "很满意"})
    assert response.status_code == 302 and response["Location"] == screen
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.satisfaction == 5 and complaint.solved
    assert complaint.satisfaction_comment == "很满意"
    assert "Survey recorded. The complaint is closed." in page_text(desk.get(screen))


def test_a_dissatisfied_return_visit_reopens_and_escalates(desk, new_complaint, advance):
    complaint = advance(new_complaint(), Status.RESOLVED)
    screen = _call_screen(desk, complaint)
    desk.post(f"{screen}survey/", {"satisfaction": 4, "solved": "no", "comment": "还在漏"})
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED and complaint.escalated
    assert complaint.events.filter(action="complaint.rate_reopen").exists()


def test_an_unreachable_complainant_closes_the_complaint(desk, new_complaint, advance):
    complaint = advance(new_complaint(), Status.RESOLVED)
    screen = _call_screen(desk, complaint)
    assert desk.post(f"{screen}close/", {"note": "三次未接通"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.satisfaction is None
    assert complaint.events.filter(action="complaint.close_unreachable").exists()


def test_a_return_visit_needs_a_rating_when_the_complainant_was_reached(desk, new_complaint,
                                                                       advance):
    complaint = advance(new_complaint(), Status.RESOLVED)
    screen = _call_screen(desk, complaint)
    response = desk.post(f"{screen}survey/", {"comment": "没说"})
    assert response.status_code == 422
    assert "Please choose from one to five stars." in page_text(response)
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_the_return_visit_has_no_action_form_of_its_own(desk, new_complaint, advance):
    complaint = advance(new_complaint(), Status.RESOLVED)
    for action in ("rate", "rate_reopen", "close_unreachable"):
        assert act(desk, complaint, action, satisfaction=5, solved="yes").status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_a_manager_reopens_a_closed_complaint(as_user, manager, new_complaint, advance):
    complaint = advance(new_complaint(), Status.CLOSED)
    complaint = done(act(as_user(manager), complaint, "reopen", reason="又漏了"), complaint)
    assert complaint.status == Status.ASSIGNED and complaint.reopen_count == 1


def test_merge_escalate_note_contact_and_classify(as_user, agent, supervisor, new_complaint,
                                                         advance, categories):
    desk = as_user(agent)
    first, duplicate = new_complaint(), new_complaint()
    duplicate = done(act(desk, duplicate, "merge", into_number=first.number.lower()), duplicate)
    assert duplicate.status == Status.MERGED and duplicate.merged_into == first

    done(act(desk, first, "note", note="业主下午在家"), first)
    done(act(desk, first, "note", note="", photos=[photo()]), first)
    done(act(desk, first, "contact", note="已电话告知处理进度"), first)
    first = done(act(desk, first, "classify", category=categories["elevator"].pk,
                     urgency="urgent", note="实为电梯故障"), first)
    assert first.category.code == "elevator" and first.urgency == "urgent"
    assert first.first_feedback_at is not None

    first = advance(first, Status.ASSIGNED)
    first = done(act(as_user(supervisor), first, "escalate", reason="超时未处理"), first)
    assert first.escalated and first.supervisions.get().reason == "超时未处理"
    actions = list(first.events.values_list("action", flat=True))
    assert actions.count("complaint.note") == 2 and "complaint.contact" in actions


def test_withdrawing_changes_the_status(desk, new_complaint):
    complaint = new_complaint()
    assert done(act(desk, complaint, "withdraw", reason="不需要了"), complaint).status == Status.WITHDRAWN


# ------------------------------------------------------------------ refusals


def test_a_handler_cannot_dispatch_and_is_told_so(as_user, handler, new_complaint, advance,
                                                  departments):
    complaint = advance(new_complaint(), Status.ASSIGNED)
    client = as_user(handler)
    response = act(client, complaint, "reassign", department=departments["engineering"].pk,
                   plan="我来", urgency="normal")
    assert response.status_code == 302
    text = page_text(client.get(response["Location"]))
    assert "You are not allowed to do this." in text
    complaint.refresh_from_db()
    assert complaint.plan == "今天下午上门查看"


def test_an_action_the_status_forbids_is_a_clear_message_and_no_change(desk, new_complaint):
    complaint = new_complaint()
    response = act(desk, complaint, "assign", plan="上门")
    text = page_text(desk.get(response["Location"]))
    assert "This action is not possible while the complaint is" in text
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED and complaint.events.count() == 1


def test_an_agent_cannot_resolve(desk, new_complaint, advance):
    complaint = advance(new_complaint(), Status.IN_PROGRESS)
    response = act(desk, complaint, "resolve", result="我来办结")
    assert "You are not allowed to do this." in page_text(desk.get(response["Location"]))
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


def test_staff_outside_reach_cannot_act_at_all(as_user, agent_b, handler_env, new_complaint,
                                               advance):
    complaint = advance(new_complaint(), Status.ASSIGNED)
    assert act(as_user(agent_b), complaint, "note", note="看看").status_code == 404
    assert act(as_user(handler_env), complaint, "accept").status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED


def test_a_stale_version_is_a_conflict_that_keeps_what_was_typed(as_user, agent, handler,
                                                                 new_complaint, advance):
    complaint = advance(new_complaint(), Status.ASSIGNED)
    seen = complaint.version
    act(as_user(handler), complaint, "accept")  # someone else moves first
    desk = as_user(agent)
    response = desk.post(f"/console/c/{complaint.number}/act/contact/",
                         {"version": seen, "note": "已告知业主师傅下午到"})
    text = page_text(response)
    assert response.status_code == 409
    assert "Someone else changed this complaint" in text
    assert "已告知业主师傅下午到" in text
    complaint.refresh_from_db()
    assert f'name="version" value="{complaint.version}"' in text
    assert not complaint.events.filter(action="complaint.contact").exists()


def test_a_service_refusal_keeps_the_form_and_shows_the_reason(desk, new_complaint, advance,
                                                              departments, handler_env):
    complaint = advance(new_complaint(), Status.VERIFIED)
    response = act(desk, complaint, "assign", department=departments["engineering"].pk,
                   handler=handler_env.pk, plan="派给保洁", urgency="normal")
    text = page_text(response)
    assert response.status_code == 422
    assert "does not work in" in text and "派给保洁" in text
    complaint.refresh_from_db()
    assert complaint.status == Status.VERIFIED


def test_merging_into_an_unknown_number_is_explained(desk, new_complaint):
    complaint = new_complaint()
    response = act(desk, complaint, "merge", into_number="TS999")
    assert response.status_code == 422
    assert "No complaint TS999 that you can see." in page_text(response)


def test_a_file_that_is_not_a_photo_is_refused_under_the_file_field(as_user, handler,
                                                                   new_complaint, advance):
    complaint = advance(new_complaint(), Status.IN_PROGRESS)
    fake = SimpleUploadedFile("virus.png", b"MZ not a picture at all", content_type="image/png")
    response = act(as_user(handler), complaint, "note", note="现场照片", photos=[fake])
    assert response.status_code == 422
    assert "is not a photo, PDF, video or voice recording" in page_text(response)
    assert not ComplaintEvent.objects.filter(complaint=complaint, action="complaint.note").exists()


# ------------------------------------------------------------------ malformed posts


def test_a_missing_required_field_is_a_form_error(as_user, handler, new_complaint, advance):
    complaint = advance(new_complaint(), Status.IN_PROGRESS)
    response = act(as_user(handler), complaint, "hold", reason="   ")
    assert response.status_code == 400
    assert "This field is required." in page_text(response)


@pytest.mark.parametrize("department", ["9999", "abc", ""])
def test_a_bad_department_id_is_a_form_error(desk, new_complaint, advance, department):
    complaint = advance(new_complaint(), Status.VERIFIED)
    response = act(desk, complaint, "assign", department=department, plan="上门", urgency="normal")
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == Status.VERIFIED


@pytest.mark.parametrize("handler_id", ["424242", "x"])
def test_a_handler_that_is_not_offered_is_a_form_error(desk, new_complaint, advance, departments,
                                                      handler_id):
    complaint = advance(new_complaint(), Status.VERIFIED)
    response = act(desk, complaint, "assign", department=departments["engineering"].pk,
                   handler=handler_id, plan="上门", urgency="normal")
    assert response.status_code == 400


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_missing_or_non_numeric_version_is_a_form_error(desk, new_complaint, version):
    complaint = new_complaint()
    response = desk.post(f"/console/c/{complaint.number}/act/contact/",
                         {"version": version, "note": "已回电"})
    assert response.status_code in (400, 409)
    assert "reload" in page_text(response).lower()
    assert complaint.events.count() == 1


def test_nonsense_choices_are_form_errors(desk, as_user, handler, new_complaint, advance):
    complaint = new_complaint()
    assert act(desk, complaint, "classify", urgency="apocalyptic").status_code == 400
    assert act(desk, complaint, "verify", category="not-a-category").status_code == 400
    in_progress = advance(new_complaint(), Status.IN_PROGRESS)
    response = act(as_user(handler), in_progress, "resolve", result="已修好", root_cause="fate")
    assert response.status_code == 400


def test_an_unknown_action_is_not_found(desk, new_complaint):
    assert act(desk, new_complaint(), "explode").status_code == 404


def test_actions_only_accept_post(desk, new_complaint):
    complaint = new_complaint()
    assert desk.get(f"/console/c/{complaint.number}/act/verify/").status_code == 405
