"""Phone and walk-in intake: find the caller, record the complaint, tell them the number."""

import pytest

from anju.complaints.models import Channel, Complaint
from tests.console.conftest import page_text


def intake_data(estate, **extra):
    data = {"idempotency_key": "key-1", "channel": "phone", "estate": estate.pk,
            "description": "地下车库漏水，车被淋湿", "urgency": "normal"}
    data.update(extra)
    return data


def test_the_agent_finds_the_caller_by_phone_with_rooms_and_recent_complaints(
        as_user, agent, resident, new_complaint):
    earlier = new_complaint()
    text = page_text(as_user(agent).get("/console/new/", {"phone": "138-0000-1111"}))
    assert "张*" in text and "138****1111" in text and "翠湖苑 1栋1单元101" in text
    assert "张三" not in text  # masked: the agent confirms the caller without reading the name
    assert earlier.number in text
    assert f'name="resident" value="{resident.pk}"' in text


def test_a_phone_outside_the_agents_estates_finds_nobody(as_user, agent_b, resident):
    text = page_text(as_user(agent_b).get("/console/new/", {"phone": "13800001111"}))
    assert "张三" not in text
    assert "No resident with this phone in your estates" in text
    assert 'value="13800001111"' in text  # prefilled as an outside contact


def test_the_agent_finds_a_room_and_its_residents(as_user, agent, resident, world):
    client = as_user(agent)
    for query in ("101", "1栋1单元101", "1栋101"):
        text = page_text(client.get("/console/new/", {"room_q": query}))
        assert "翠湖苑 1栋1单元101" in text and "Caller is 张*" in text
    assert "锦绣园" not in page_text(client.get("/console/new/", {"room_q": "101"}))


def test_phone_intake_for_a_resident_creates_a_phone_complaint_and_shows_the_number(
        as_user, agent, resident, world):
    client = as_user(agent)
    room = world["a"]["rooms"][0]
    response = client.post("/console/new/", intake_data(
        world["a"]["estate"], resident=resident.pk, room=room.pk, people_involved="楼上邻居",
        occurred_at="2026-01-05T08:30", title="车库漏水"))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/c/{complaint.number}/?new=1"
    assert complaint.channel == Channel.PHONE and complaint.resident == resident
    assert complaint.room == room and complaint.created_by == agent
    assert complaint.occurred_at is not None and complaint.people_involved == "楼上邻居"
    page = page_text(client.get(response["Location"]))
    assert "Tell the caller their complaint number" in page and "big-number" in page


def test_an_outside_contact_is_recorded_with_name_and_phone(as_user, agent, world, categories):
    response = as_user(agent).post("/console/new/", intake_data(
        world["a"]["estate"], channel="walk_in", contact_name="快递员小王",
        contact_phone="+86 137 0000 4444", category=categories["security"].pk, urgency="high",
        address="东门岗亭", building=world["a"]["building"].pk, facility=world["a"]["lift"].pk))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.resident is None and complaint.contact_name == "快递员小王"
    assert complaint.contact_phone == "13700004444" and complaint.channel == Channel.WALK_IN
    assert complaint.category.code == "security" and complaint.urgency == "high"
    assert complaint.facility == world["a"]["lift"]


def test_a_double_submit_records_one_complaint(as_user, agent, world):
    client = as_user(agent)
    data = intake_data(world["a"]["estate"], contact_phone="13700004444")
    first = client.post("/console/new/", data)
    second = client.post("/console/new/", data)
    assert Complaint.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_intake_outside_reach_is_refused(as_user, agent, world):
    response = as_user(agent).post("/console/new/", intake_data(
        world["b"]["estate"], contact_phone="13700004444"))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_a_room_of_another_estate_is_refused(as_user, agent, world):
    response = as_user(agent).post("/console/new/", intake_data(
        world["a"]["estate"], contact_phone="13700004444", room=world["b"]["rooms"][0].pk))
    assert response.status_code == 400
    assert "This room is not in your estates." in page_text(response)
    assert Complaint.objects.count() == 0


def test_a_building_of_another_estate_in_reach_is_refused_by_the_service(as_user, world):
    from anju.staff.models import Role
    from tests.conftest import make_staff

    manager = make_staff("boss", Role.MANAGER, all_estates=True)
    response = as_user(manager).post("/console/new/", intake_data(
        world["a"]["estate"], contact_phone="13700004444", building=world["b"]["building"].pk))
    assert response.status_code == 422
    assert "The building is not in this estate." in page_text(response)


def test_intake_keeps_what_was_typed_when_something_is_missing(as_user, agent, world):
    response = as_user(agent).post("/console/new/", intake_data(
        world["a"]["estate"], description="", contact_name="王先生", contact_phone="12345"))
    text = page_text(response)
    assert response.status_code == 400
    assert "王先生" in text and "This is not a valid phone number." in text
    assert 'value="key-1"' in text


def test_intake_needs_a_way_to_reach_the_caller(as_user, agent, world):
    response = as_user(agent).post("/console/new/", intake_data(world["a"]["estate"]))
    assert response.status_code == 400
    assert "enter a phone or e-mail" in page_text(response)


@pytest.mark.parametrize("field,value", [("estate", "abc"), ("resident", "x"), ("room", "99999"),
                                         ("occurred_at", "yesterday"), ("channel", "pigeon"),
                                         ("category", "9999"), ("building", "zz")])
def test_malformed_intake_fields_are_form_errors(as_user, agent, world, field, value):
    data = intake_data(world["a"]["estate"], contact_phone="13700004444")
    data[field] = value
    response = as_user(agent).post("/console/new/", data)
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_a_time_in_the_future_is_explained(as_user, agent, world):
    response = as_user(agent).post("/console/new/", intake_data(
        world["a"]["estate"], contact_phone="13700004444", occurred_at="2099-01-01T00:00"))
    assert response.status_code == 422
    assert "cannot be in the future" in page_text(response)


def test_a_confidential_intake_by_an_agent_ends_in_the_inbox_with_the_number(as_user, agent, world):
    client = as_user(agent)
    response = client.post("/console/new/", intake_data(
        world["a"]["estate"], contact_phone="13700004444", confidential="on"), follow=True)
    complaint = Complaint.objects.get()
    assert complaint.confidential
    assert complaint.number in page_text(response)


def test_handlers_do_not_take_intake(as_user, handler, world):
    client = as_user(handler)
    assert client.get("/console/new/").status_code == 403
    response = client.post("/console/new/", intake_data(world["a"]["estate"],
                                                        contact_phone="13700004444"))
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


def test_the_intake_form_offers_only_estates_in_reach(as_user, agent, world):
    text = page_text(as_user(agent).get("/console/new/"))
    assert "翠湖苑" in text and "锦绣园" not in text


def test_a_supervisor_records_a_complaint_they_cannot_open_yet(as_user, supervisor, world):
    client = as_user(supervisor)
    response = client.post("/console/new/", intake_data(world["a"]["estate"],
                                                        contact_phone="13700004444"), follow=True)
    complaint = Complaint.objects.get()
    assert response.status_code == 200
    assert complaint.number in page_text(response)
    assert complaint.created_by == supervisor


def test_the_intake_form_is_never_cached_so_back_cannot_resubmit_it(as_user, agent):
    response = as_user(agent).get("/console/new/")
    assert "no-store" in response["Cache-Control"]
