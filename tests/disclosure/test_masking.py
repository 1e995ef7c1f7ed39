"""Personal data of complainants: masked for staff, revealed only by a logged action.

The rule lives in anju/complaints/access.py, the views in anju/complaints/disclosure.py;
these tests go through the console, the API and the service.
"""

from __future__ import annotations

import pytest

from anju.audit.models import AuditEntry
from anju.complaints import disclosure, services
from anju.complaints.models import Status
from anju.lib.errors import InvalidInput, NotAllowed
from tests.console.conftest import page_text

PHONE, NAME = "13800001111", "张三"


def reveals():
    return list(AuditEntry.objects.filter(action="pii.reveal").order_by("seq"))


# --------------------------------------------------------------------------- service


def test_staff_see_masks_and_the_complainant_sees_their_own(agent, resident, new_complaint):
    complaint = new_complaint()
    staff_view = disclosure.contact_view(agent, complaint)
    assert (staff_view.name, staff_view.phone, staff_view.masked) == ("张*", "138****1111", True)
    own = disclosure.contact_view(resident.user, complaint)
    assert (own.name, own.phone, own.masked) == (NAME, PHONE, False)


def test_a_configured_role_sees_the_data_in_full(agent, new_complaint, settings):
    settings.ANJU_PII_FULL_ROLES = ["agent"]
    view = disclosure.contact_view(agent, new_complaint())
    assert (view.name, view.phone, view.masked) == (NAME, PHONE, False)


def test_a_reveal_shows_the_data_and_logs_who_why_and_which_fields(agent, new_complaint):
    complaint = new_complaint()
    view = disclosure.reveal(agent, complaint, reason="callback")
    assert (view.name, view.phone, view.revealed) == (NAME, PHONE, True)
    [entry] = reveals()
    assert entry.actor == agent and entry.target_id == str(complaint.pk)
    assert entry.data["reason"] == "callback" and entry.data["fields"] == ["name", "phone"]
    # The permanent log holds no personal data: not the name, not the number.
    assert NAME not in str(entry.data) and PHONE not in str(entry.data)


def test_a_reveal_needs_a_known_reason_and_a_note_for_other(agent, new_complaint):
    complaint = new_complaint()
    with pytest.raises(InvalidInput):
        disclosure.reveal(agent, complaint, reason="curiosity")
    with pytest.raises(InvalidInput):
        disclosure.reveal(agent, complaint, reason="other", note="  ")
    disclosure.reveal(agent, complaint, reason="other", note="业主来电核对 13912345678 的号码")
    [entry] = reveals()
    assert "13912345678" not in entry.data["note"] and "139****5678" in entry.data["note"]


def test_only_the_assigned_handler_may_reveal(agent, handler, departments, world, new_complaint,
                                              django_user_model):
    from anju.staff.models import Role
    from tests.conftest import make_staff

    colleague = make_staff("handler2", Role.HANDLER, estates=[world["a"]["estate"]],
                           departments=[departments["engineering"]], name="李师傅")
    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk)
    services.complaint_assign(actor=agent, complaint_id=complaint.pk, plan="上门",
                              department=departments["engineering"], handler=handler)
    complaint.refresh_from_db()
    assert disclosure.contact_view(handler, complaint).can_reveal
    assert not disclosure.contact_view(colleague, complaint).can_reveal
    with pytest.raises(NotAllowed):
        disclosure.reveal(colleague, complaint, reason="site_visit")
    assert disclosure.reveal(handler, complaint, reason="site_visit").phone == PHONE
    assert len(reveals()) == 1


def test_nobody_reveals_an_anonymous_complainant_to_a_handler(agent, handler, departments,
                                                              new_complaint):
    complaint = new_complaint(anonymous=True)
    services.complaint_verify(actor=agent, complaint_id=complaint.pk)
    services.complaint_assign(actor=agent, complaint_id=complaint.pk, plan="上门",
                              department=departments["engineering"], handler=handler)
    complaint.refresh_from_db()
    assert disclosure.contact_view(handler, complaint).hidden
    with pytest.raises(NotAllowed):
        disclosure.reveal(handler, complaint, reason="site_visit")
    assert disclosure.contact_view(agent, complaint).can_reveal


# --------------------------------------------------------------------------- console


def test_the_console_reveal_shows_the_number_once_and_records_it(as_user, agent, new_complaint):
    complaint = new_complaint()
    client = as_user(agent)
    url = f"/console/c/{complaint.number}/"
    assert PHONE not in page_text(client.get(url))

    response = client.post(f"{url}reveal/", {"reason": "callback"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = page_text(response)
    assert f'href="tel:{PHONE}"' in text and NAME in text and "recorded in the audit log" in text
    assert len(reveals()) == 1
    assert PHONE not in page_text(client.get(url))  # the next view is masked again


def test_the_console_refuses_a_reveal_without_a_reason(as_user, agent, new_complaint):
    complaint = new_complaint()
    response = as_user(agent).post(f"/console/c/{complaint.number}/reveal/", {"reason": "other"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Say why you need the contact details." in text and PHONE not in text
    assert reveals() == []


def test_the_console_offers_no_reveal_to_a_handler_of_another_complaint(
        as_user, agent, handler, departments, new_complaint, advance):
    complaint = advance(new_complaint(), Status.ASSIGNED)
    services.complaint_reassign(actor=agent, complaint_id=complaint.pk, plan="换人",
                                department=departments["engineering"], handler=agent_free_handler(
                                    departments, complaint))
    text = page_text(as_user(handler).get(f"/console/c/{complaint.number}/"))
    assert "Show in full" not in text
    response = as_user(handler).post(f"/console/c/{complaint.number}/reveal/", {"reason": "callback"})
    # Refused like an action they may not take: back to the page, with the reason.
    assert response.status_code == 302 and response["Location"] == f"/console/c/{complaint.number}/"
    assert reveals() == []


def agent_free_handler(departments, complaint):
    from anju.staff.models import Role
    from tests.conftest import make_staff

    return make_staff("handler3", Role.HANDLER, estates=[complaint.estate],
                      departments=[departments["engineering"]], name="赵师傅")


def test_the_console_reveal_is_csrf_protected(agent, new_complaint):
    from django.test import Client

    complaint = new_complaint()
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(f"/console/c/{complaint.number}/reveal/", {"reason": "callback"})
    assert response.status_code == 403 and reveals() == []


# --------------------------------------------------------------------------- API


def test_the_api_reveal_returns_the_data_and_logs_it(api_for, agent, new_complaint):
    complaint = new_complaint()
    api = api_for(agent)
    assert api.get(f"/complaints/{complaint.number}").json()["complainant"]["phone"] == "138****1111"
    response = api.post(f"/complaints/{complaint.number}/reveal", {"reason": "return_visit"})
    assert response.status_code == 200
    assert response.json() == {"name": NAME, "phone": PHONE, "email": "", "masked": False,
                               "can_reveal": False}
    assert [e.data["reason"] for e in reveals()] == ["return_visit"]


@pytest.mark.parametrize("body", [{"reason": "nosy"}, {"reason": "other"}, {}])
def test_the_api_refuses_a_reveal_without_a_good_reason(api_for, agent, new_complaint, body):
    complaint = new_complaint()
    response = api_for(agent).post(f"/complaints/{complaint.number}/reveal", body)
    assert response.status_code in (400, 422)
    assert PHONE not in response.content.decode() and reveals() == []


def test_the_api_refuses_a_reveal_to_a_role_that_does_not_contact_complainants(
        api_for, agent, handler, departments, new_complaint):
    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk)
    services.complaint_assign(actor=agent, complaint_id=complaint.pk, plan="上门",
                              department=departments["engineering"],
                              handler=agent_free_handler(departments, complaint))
    response = api_for(handler).post(f"/complaints/{complaint.number}/reveal", {"reason": "callback"})
    assert response.status_code in (403, 404) and PHONE not in response.content.decode()
    assert reveals() == []


def test_a_merged_complaint_does_not_name_one_the_caller_cannot_see(
        api_for, agent, quality, new_complaint):
    target = new_complaint(confidential=True)
    merged = new_complaint()
    services.complaint_merge(actor=quality, complaint_id=merged.pk, into_number=target.number)
    assert api_for(quality).get(f"/complaints/{merged.number}").json()["merged_into"] == target.number
    assert api_for(agent).get(f"/complaints/{merged.number}").json()["merged_into"] is None
