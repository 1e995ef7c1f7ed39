"""The complaint page: all recorded facts, privacy by role, and exactly the allowed actions."""

import re

from anju.complaints import services
from anju.complaints.models import Channel, Status
from tests.console.conftest import page_text


def forms_on(text):
    """The action codes whose forms the page offers."""
    return set(re.findall(r'/act/([a-z_]+)/#', text))


def actions_column(text):
    return text[text.index('<aside class="actions-col"'):text.index("</aside>")]


def test_the_page_shows_time_place_people_and_event(as_user, agent, world, categories):
    complaint = services.complaint_create(
        actor=agent, channel=Channel.PHONE, estate=world["a"]["estate"],
        room=world["a"]["rooms"][0], people_involved="楼上住户", title="卫生间漏水",
        description="楼上卫生间渗水到我家天花板", contact_name="张先生",
        contact_phone="13812345678", category=categories["repair"]).complaint
    text = page_text(as_user(agent).get(f"/console/c/{complaint.number}/"))
    for fact in ("翠湖苑", "1栋1单元101", "楼上住户", "卫生间漏水", "楼上卫生间渗水到我家天花板",
                 "张**", "138****5678", "Repairs", "Phone", "Received"):
        assert fact in text


def test_staff_see_the_complainant_masked(as_user, agent, handler, new_complaint, advance):
    complaint = advance(new_complaint(), Status.ASSIGNED)
    for user in (agent, handler):
        text = page_text(as_user(user).get(f"/console/c/{complaint.number}/"))
        assert "13800001111" not in text and "张三" not in text
        assert "138****1111" in text and "张*" in text


def test_an_anonymous_complaint_hides_the_complainant_from_handlers(as_user, agent, handler,
                                                                    new_complaint, advance):
    complaint = advance(new_complaint(anonymous=True), Status.ASSIGNED)
    text = page_text(as_user(handler).get(f"/console/c/{complaint.number}/"))
    assert "张三" not in text and "1111" not in text
    assert "Anonymous" in text
    assert "张*" in page_text(as_user(agent).get(f"/console/c/{complaint.number}/"))


def test_a_handler_sees_sign_for_on_their_assignment_but_not_dispatch(as_user, handler,
                                                                     new_complaint, advance):
    complaint = advance(new_complaint(), Status.ASSIGNED)
    text = actions_column(page_text(as_user(handler).get(f"/console/c/{complaint.number}/")))
    assert "Sign for" in text and "Dispatch" not in text
    assert forms_on(text) == {"accept", "hold", "note", "contact"}


def test_an_agent_is_offered_exactly_the_desk_actions_of_a_new_complaint(as_user, agent,
                                                                       new_complaint):
    complaint = new_complaint()
    text = page_text(as_user(agent).get(f"/console/c/{complaint.number}/"))
    assert forms_on(text) == {"verify", "refer_out", "withdraw", "merge", "note", "contact",
                              "classify"}


def return_visit_ways(text):
    """Every control of the actions column that records the return visit: an action form
    of rate, rate_reopen or close_unreachable, a link to a call screen, a form opening one."""
    column = actions_column(text)
    return (re.findall(r'/act/(rate|rate_reopen|close_unreachable)/', column)
            + re.findall(r'href="(/console/visits/\d+/)"', column)
            + re.findall(r'action="(/console/c/[^/"]+/return-visit/)"', column))


def test_a_resolved_complaint_offers_one_way_to_the_return_visit_call_screen(
        as_user, agent, new_complaint, advance):
    from anju.visits.models import ReturnVisit
    from anju.visits.services import visit_open

    client = as_user(agent)
    complaint = advance(new_complaint(), Status.RESOLVED)
    # The worker has not opened the visit yet: one button opens it and goes to its screen.
    text = page_text(client.get(f"/console/c/{complaint.number}/"))
    assert return_visit_ways(text) == [f"/console/c/{complaint.number}/return-visit/"]
    assert "Record return visit" in actions_column(text)
    assert not forms_on(text) & {"rate", "rate_reopen", "close_unreachable"}
    response = client.post(f"/console/c/{complaint.number}/return-visit/")
    visit = ReturnVisit.objects.get(complaint=complaint, state=ReturnVisit.State.OPEN)
    assert response.status_code == 302 and response["Location"] == f"/console/visits/{visit.pk}/"
    # Opened (by the button or the worker): the page links to that call screen, only there.
    text = page_text(client.get(f"/console/c/{complaint.number}/"))
    assert return_visit_ways(text) == [f"/console/visits/{visit.pk}/"]
    screen = page_text(client.get(f"/console/visits/{visit.pk}/"))
    for offered in ("Reached: record the survey", 'name="satisfaction"', 'name="solved"',
                    'name="reasons"', 'name="comment"', "Close: complainant unreachable",
                    "Record the attempt"):
        assert offered in screen, offered
    # Pressing the button again (another tab) goes to the same visit.
    again = client.post(f"/console/c/{complaint.number}/return-visit/")
    assert again["Location"] == f"/console/visits/{visit.pk}/"
    assert visit_open(complaint_id=complaint.pk) == visit
    assert ReturnVisit.objects.filter(complaint=complaint).count() == 1


def test_only_the_desk_is_offered_the_return_visit(as_user, handler, new_complaint, advance):
    complaint = advance(new_complaint(), Status.RESOLVED)
    client = as_user(handler)
    assert return_visit_ways(page_text(client.get(f"/console/c/{complaint.number}/"))) == []
    assert client.post(f"/console/c/{complaint.number}/return-visit/").status_code == 403


def test_a_complaint_that_is_not_resolved_opens_no_return_visit(as_user, agent, new_complaint,
                                                               advance):
    from anju.visits.models import ReturnVisit

    client = as_user(agent)
    complaint = advance(new_complaint(), Status.IN_PROGRESS)
    assert return_visit_ways(page_text(client.get(f"/console/c/{complaint.number}/"))) == []
    response = client.post(f"/console/c/{complaint.number}/return-visit/")
    assert response.status_code == 302 and response["Location"] == f"/console/c/{complaint.number}/"
    assert "This action is not possible while the complaint is" in page_text(
        client.get(response["Location"]))
    assert not ReturnVisit.objects.filter(complaint=complaint).exists()


def test_the_dispatch_form_lists_handlers_who_reach_the_estate_with_duty_status(
        as_user, agent, handler, handler_env, new_complaint, advance, world, departments):
    from anju.staff.models import Role
    from tests.conftest import make_staff
    off = make_staff("offduty", Role.HANDLER, estates=[world["a"]["estate"]],
                     departments=[departments["engineering"]], name="休息的师傅")
    off.staff.on_duty = False
    off.staff.save()
    make_staff("far", Role.HANDLER, estates=[world["b"]["estate"]],
               departments=[departments["engineering"]], name="B区师傅")
    complaint = advance(new_complaint(), Status.VERIFIED)
    text = page_text(as_user(agent).get(f"/console/c/{complaint.number}/"))
    assert "王师傅" in text and "保洁刘阿姨" in text
    assert "休息的师傅 (off duty)" in text
    assert "B区师傅" not in text


def test_the_timeline_shows_each_step_with_actor_and_note(as_user, agent, new_complaint, advance):
    complaint = advance(new_complaint(), Status.IN_PROGRESS)
    text = page_text(as_user(agent).get(f"/console/c/{complaint.number}/"))
    for label in ("Received", "Verified: within scope", "Dispatched", "Signed for", "今天下午上门查看",
                  "客服小李", "王师傅"):
        assert label in text
    assert "Assigned → In progress" in text


def test_supervision_records_and_the_result_are_shown(as_user, agent, supervisor, new_complaint,
                                                      advance):
    complaint = advance(new_complaint(), Status.RESOLVED)
    services.complaint_escalate(actor=supervisor, complaint_id=complaint.pk, reason="业主多次来电")
    text = page_text(as_user(agent).get(f"/console/c/{complaint.number}/"))
    assert "业主多次来电" in text and "已更换水管接头" in text
    assert "Ageing or faulty facility" in text


def test_a_complaint_outside_reach_is_not_found(as_user, agent_b, new_complaint):
    complaint = new_complaint()
    response = as_user(agent_b).get(f"/console/c/{complaint.number}/")
    assert response.status_code == 404
    assert "卫生间天花板漏水" not in page_text(response)


def test_an_unknown_number_is_not_found(as_user, agent, world):
    assert as_user(agent).get("/console/c/TS000000000000/").status_code == 404
    assert as_user(agent).get("/console/c/%27%3B--/").status_code == 404


def test_a_confidential_complaint_is_hidden_from_agents_but_shown_to_quality(
        as_user, agent, quality, new_complaint):
    complaint = new_complaint(confidential=True)
    assert as_user(agent).get(f"/console/c/{complaint.number}/").status_code == 404
    assert as_user(quality).get(f"/console/c/{complaint.number}/").status_code == 200


def test_attachments_link_to_the_file_view(as_user, agent, new_complaint):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00"
           b"\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
           b"\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82")
    complaint = new_complaint(files=[SimpleUploadedFile("leak.png", png, "image/png")])
    attachment = complaint.attachments.get()
    text = page_text(as_user(agent).get(f"/console/c/{complaint.number}/"))
    assert f'src="/files/{attachment.pk}/"' in text
