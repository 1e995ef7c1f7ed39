"""POST /complaints: intake through the API, idempotency and input errors."""

import pytest

from anju.complaints.models import Channel, Complaint, ComplaintEvent, Status
from tests.api.conftest import error_of


def test_an_agent_records_a_complaint_and_gets_its_number(api_for, agent, world, categories):
    room = world["a"]["rooms"][0]
    response = api_for(agent).post("/complaints", {
        "estate": "a", "description": "电梯困人，按了警铃没人应", "category": "elevator",
        "urgency": "urgent", "room_id": room.pk, "channel": "phone",
        "occurred_at": "2026-05-01T08:30:00+08:00", "contact_name": "王女士",
        "contact_phone": "138 0000 3333", "latitude": 31.2304567, "longitude": 121.4737,
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "number", "status", "created_at", "url"}
    assert body["status"] == "received"
    assert body["url"] == f"/api/v1/complaints/{body['number']}"

    complaint = Complaint.objects.get(number=body["number"])
    assert complaint.channel == Channel.PHONE
    assert complaint.category == categories["elevator"]
    assert complaint.room == room and complaint.building == room.unit.building
    assert complaint.contact_phone == "13800003333"
    assert str(complaint.latitude) == "31.230457"
    assert complaint.created_by == agent
    assert ComplaintEvent.objects.filter(complaint=complaint, action="complaint.received").exists()


def test_the_channel_defaults_to_api(api_for, agent, world):
    response = api_for(agent).post("/complaints", {"estate": "a", "description": "垃圾没人清"})
    assert Complaint.objects.get(number=response.json()["number"]).channel == Channel.API


def test_a_retried_create_with_the_same_idempotency_key_returns_the_first(api_for, agent, world):
    api = api_for(agent)
    body = {"estate": "a", "description": "楼下夜里施工噪音"}
    first = api.post("/complaints", body, **{"Idempotency-Key": "order-42"})
    again = api.post("/complaints", body, **{"Idempotency-Key": "order-42"})

    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert Complaint.objects.count() == 1


def test_idempotency_keys_belong_to_their_caller(api_for, agent, manager, world):
    body = {"estate": "a", "description": "楼下夜里施工噪音"}
    first = api_for(agent).post("/complaints", body, **{"Idempotency-Key": "same"})
    other = api_for(manager).post("/complaints", body, **{"Idempotency-Key": "same"})
    assert first.status_code == other.status_code == 201
    assert first.json()["number"] != other.json()["number"]


def test_a_missing_description_is_a_field_error(api_for, agent, world):
    response = api_for(agent).post("/complaints", {"estate": "a"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert error["fields"] == {"description": ["This field is required."]}


def test_a_blank_description_is_a_field_error(api_for, agent, world):
    response = api_for(agent).post("/complaints", {"estate": "a", "description": "   "})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["description"]


@pytest.mark.parametrize("estate", ["nowhere", "", "a" * 300])
def test_an_unknown_estate_is_a_field_error_not_a_crash(api_for, agent, world, estate):
    response = api_for(agent).post("/complaints", {"estate": estate, "description": "漏水"})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["estate"]


@pytest.mark.parametrize("field", ["room_id", "building_id", "facility_id"])
def test_an_unknown_place_id_is_a_field_error(api_for, agent, world, field):
    response = api_for(agent).post("/complaints", {"estate": "a", "description": "漏水",
                                                   field: 999999})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


def test_a_place_of_another_estate_is_a_field_error(api_for, agent, world):
    api = api_for(agent)
    for field, other in [("room_id", world["b"]["rooms"][0]), ("building_id", world["b"]["building"]),
                         ("facility_id", world["b"]["lift"])]:
        response = api.post("/complaints", {"estate": "a", "description": "漏水", field: other.pk})
        assert response.status_code == 422, field
        assert list(error_of(response)["fields"]) == [field]
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(("value", "message"), [
    ("2026-05-01T08:30:00", "Include a time zone"),
    ("yesterday", "Enter a valid date/time."),
    ("2026-13-45T99:00:00+08:00", "Enter a valid date/time."),
])
def test_a_bad_occurrence_time_is_a_field_error(api_for, agent, world, value, message):
    response = api_for(agent).post("/complaints", {"estate": "a", "description": "漏水",
                                                   "occurred_at": value})
    assert response.status_code == 422
    assert error_of(response)["fields"]["occurred_at"][0].startswith(message)


def test_malformed_json_is_a_400_in_the_error_shape(api_for, agent, world):
    api = api_for(agent)
    for body in ['{"estate": "a",', "not json", b"\xff\xfe"]:
        response = api.post_raw("/complaints", body)
        assert response.status_code == 400
        assert error_of(response)["code"] == "malformed_json"


def test_a_body_that_is_not_an_object_is_a_422(api_for, agent, world):
    response = api_for(agent).post_raw("/complaints", "[1, 2]")
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"body": ["Send a JSON object."]}


def test_unknown_fields_and_wrong_types_are_named(api_for, agent, world):
    response = api_for(agent).post("/complaints", {
        "estate": "a", "description": "漏水", "descripton": "typo", "room_id": "abc",
        "urgency": "whenever", "contact_email": "not-an-address", "latitude": 95})
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert set(fields) == {"descripton", "room_id", "urgency", "contact_email", "latitude"}
    assert fields["descripton"] == ["This field is not accepted here."]
    assert fields["room_id"] == ["Enter a whole number."]
    assert fields["urgency"][0].startswith("Select one of:")


def test_an_invalid_phone_or_unknown_category_is_a_field_error(api_for, agent, world):
    api = api_for(agent)
    phone = api.post("/complaints", {"estate": "a", "description": "漏水", "contact_phone": "12"})
    assert phone.status_code == 422 and list(error_of(phone)["fields"]) == ["contact_phone"]
    category = api.post("/complaints", {"estate": "a", "description": "漏水", "category": "nope"})
    assert category.status_code == 422 and list(error_of(category)["fields"]) == ["category"]


def test_an_overlong_idempotency_key_is_refused(api_for, agent, world):
    response = api_for(agent).post("/complaints", {"estate": "a", "description": "漏水"},
                                   **{"Idempotency-Key": "k" * 101})
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["Idempotency-Key"]


def test_an_estate_outside_the_agents_reach_is_forbidden(api_for, agent, world):
    response = api_for(agent).post("/complaints", {"estate": "b", "description": "漏水"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_a_resident_files_about_their_own_home_through_the_api(api_for, resident, world):
    api = api_for(resident.user)
    room = world["a"]["rooms"][0]
    response = api.post("/complaints", {"estate": "a", "description": "水压太低", "room_id": room.pk})
    assert response.status_code == 201
    complaint = Complaint.objects.get(number=response.json()["number"])
    assert complaint.resident == resident and complaint.channel == Channel.API
    assert complaint.status == Status.RECEIVED


def test_a_resident_cannot_file_about_other_homes(api_for, resident, world):
    api = api_for(resident.user)
    neighbour = api.post("/complaints", {"estate": "a", "description": "x",
                                         "room_id": world["a"]["rooms"][1].pk})
    assert neighbour.status_code == 422 and list(error_of(neighbour)["fields"]) == ["room_id"]
    elsewhere = api.post("/complaints", {"estate": "b", "description": "x"})
    assert elsewhere.status_code == 422 and list(error_of(elsewhere)["fields"]) == ["estate"]
    channel = api.post("/complaints", {"estate": "a", "description": "x", "channel": "phone"})
    assert channel.status_code == 422 and list(error_of(channel)["fields"]) == ["channel"]


def test_a_create_runs_a_handful_of_queries(api_for, agent, world, categories,
                                            django_assert_max_num_queries):
    api = api_for(agent)
    api.get("/me")  # the key's first use records last_used_at
    # Warm: 15 (key, room, idempotency check, reach, numbering, complaint, event, the
    # subscribers' deliveries in one multi-row insert (anju/bus: the work queue that replaced
    # the task enqueued after commit), and 3 for the audit entry: lock the chain head,
    # insert, move it; plus savepoints). Cold, as here, +6 for reference rows cached per
    # process afterwards (anju/lib/refcache.py): the estate, the category, the keyword rules
    # and the SLA snapshot (policies, working hours, calendar overrides). The SLA
    # checkpoints and every other subscriber run in the worker.
    with django_assert_max_num_queries(21):
        response = api.post("/complaints", {"estate": "a", "description": "漏水",
                                            "category": "repair",
                                            "room_id": world["a"]["rooms"][0].pk},
                            **{"Idempotency-Key": "q-1"})
    assert response.status_code == 201


@pytest.mark.parametrize("role", ["handler", "handler_env"])
def test_only_the_desk_and_residents_record_complaints(api_for, request, world, role):
    # The same rule as the console's intake page (anju/complaints/access.py may_record).
    api = api_for(request.getfixturevalue(role))
    response = api.post("/complaints", {"estate": "a", "description": "楼道灯坏了"})
    assert response.status_code == 403
    assert not Complaint.objects.exists()
