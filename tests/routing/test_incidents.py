"""Incidents: one building or facility, one category, several complainants, within hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.complaints import services
from anju.complaints.models import Status
from anju.estates.models import Building, Room, Unit
from anju.routing import incidents
from anju.routing.models import Incident, RoutingSettings

PHONES = ["13800000001", "13800000002", "13800000003", "13800000004"]


@pytest.fixture
def t0():
    return timezone.now() - timedelta(hours=2)


@pytest.fixture
def grouped(file, django_capture_on_commit_callbacks, immediate_tasks):
    """File complaints the way intake does: the follow-ups run after each commit."""

    def make(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return file(*args, **kwargs)

    return make


def _other_building(world):
    building = Building.objects.create(estate=world["a"]["estate"], name="2栋")
    unit = Unit.objects.create(building=building, name="1单元")
    return Room.objects.create(unit=unit, number="201", floor=2)


def test_two_rooms_of_one_building_within_hours_are_one_incident(grouped, world, t0):
    first = grouped("utilities", room=world["a"]["rooms"][0], at=t0, description="1栋停水了",
                    contact_phone=PHONES[0])
    assert incidents.incident_of(first) is None  # one complaint is not an incident
    second = grouped("utilities", room=world["a"]["rooms"][1], at=t0 + timedelta(hours=1),
                     description="我家也没水", contact_phone=PHONES[1])
    incident = incidents.incident_of(second)
    assert incident is not None and incident.lead == first
    assert incident.building == world["a"]["building"] and incident.facility is None
    assert list(incidents.members(incident)) == [first, second]


def test_the_same_room_twice_is_a_repeat_not_an_incident(grouped, world, t0):
    grouped("utilities", room=world["a"]["rooms"][0], at=t0)
    again = grouped("utilities", room=world["a"]["rooms"][0], at=t0 + timedelta(minutes=30))
    assert incidents.incident_of(again) is None


def test_another_building_or_another_category_stays_apart(grouped, world, t0):
    grouped("utilities", room=world["a"]["rooms"][0], at=t0, contact_phone=PHONES[0])
    elsewhere = grouped("utilities", room=_other_building(world), at=t0 + timedelta(minutes=10),
                        contact_phone=PHONES[1])
    other_topic = grouped("noise", room=world["a"]["rooms"][1], at=t0 + timedelta(minutes=20),
                          contact_phone=PHONES[2])
    assert incidents.incident_of(elsewhere) is None
    assert incidents.incident_of(other_topic) is None
    assert not Incident.objects.exists()


def test_the_window_is_configurable(grouped, world, t0):
    grouped("utilities", room=world["a"]["rooms"][0], at=t0 - timedelta(hours=5),
            contact_phone=PHONES[0])
    late = grouped("utilities", room=world["a"]["rooms"][1], at=t0 + timedelta(hours=2),
                   contact_phone=PHONES[1])  # 7 h later: outside the default 6 h
    assert incidents.incident_of(late) is None
    RoutingSettings.objects.create(incident_hours=8)
    assert incidents.group(late) is not None


def test_one_facility_groups_different_complainants(grouped, world, t0, resident, other_resident):
    lift = world["a"]["lift"]
    first = grouped("elevator", facility=lift, room=None, at=t0, contact_phone=PHONES[0])
    same_person = grouped("elevator", facility=lift, room=None, at=t0 + timedelta(minutes=5),
                          contact_phone=PHONES[0])
    assert incidents.incident_of(same_person) is None
    other = grouped("elevator", facility=lift, room=None, at=t0 + timedelta(minutes=9),
                    contact_phone=PHONES[1])
    incident = incidents.incident_of(other)
    assert incident is not None and incident.facility == lift and incident.lead == first
    # A later complaint within the window joins it.
    third = grouped("elevator", facility=lift, room=None, at=t0 + timedelta(hours=2),
                    contact_phone=PHONES[2])
    assert incidents.incident_of(third) == incident
    assert incidents.members(incident).count() == 4


def test_confidential_complaints_are_never_grouped(grouped, world, t0):
    grouped("utilities", room=world["a"]["rooms"][0], at=t0, contact_phone=PHONES[0])
    secret = grouped("utilities", room=world["a"]["rooms"][1], at=t0, contact_phone=PHONES[1],
                     confidential=True)
    assert incidents.incident_of(secret) is None


def test_the_sweep_groups_what_intake_did_not(file, world, t0):
    a = file("utilities", room=world["a"]["rooms"][0], at=t0, contact_phone=PHONES[0])
    b = file("utilities", room=world["a"]["rooms"][1], at=t0 + timedelta(minutes=3),
             contact_phone=PHONES[1])
    assert incidents.incident_of(a) is None  # no on-commit receivers ran
    assert incidents.sweep() == 1
    assert incidents.incident_of(a) == incidents.incident_of(b) is not None
    assert incidents.sweep() == 0  # idempotent


def test_the_incident_is_handled_once_and_every_complainant_is_told(
        grouped, world, t0, agent, handler, departments, django_capture_on_commit_callbacks):
    rooms = world["a"]["rooms"]
    lift = world["a"]["lift"]
    lead = grouped("elevator", facility=lift, room=rooms[0], at=t0, contact_phone=PHONES[0])
    second = grouped("elevator", facility=lift, room=rooms[1], at=t0 + timedelta(minutes=5),
                     contact_phone=PHONES[1])
    third = grouped("elevator", facility=lift, room=None, at=t0 + timedelta(minutes=8),
                    contact_phone=PHONES[2])
    incident = incidents.incident_of(lead)
    assert incident is not None and incidents.members(incident).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_verify(actor=agent, complaint_id=lead.pk)
        services.complaint_assign(actor=agent, complaint_id=lead.pk, department=departments["engineering"],
                                  handler=handler, plan="维保单位一小时内到场")
    for member in (second, third):
        member.refresh_from_db()
        assert member.status == Status.ASSIGNED and member.handler == handler
        assert member.plan == "维保单位一小时内到场"
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_accept(actor=handler, complaint_id=lead.pk)
        services.complaint_resolve(actor=handler, complaint_id=lead.pk, result="已更换主板，电梯恢复运行")
    for member in (lead, second, third):
        member.refresh_from_db()
        assert member.status == Status.RESOLVED and member.result == "已更换主板，电梯恢复运行"
        told = member.messages.filter(kind="complaint.resolve")
        assert told.count() == 1, member.number
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED


def test_members_the_resolver_may_not_act_on_are_left_open(
        grouped, world, t0, agent, handler, departments, django_capture_on_commit_callbacks):
    rooms = world["a"]["rooms"]
    lead = grouped("utilities", room=rooms[0], at=t0, contact_phone=PHONES[0])
    other = grouped("utilities", room=rooms[1], at=t0, contact_phone=PHONES[1])
    services.complaint_verify(actor=agent, complaint_id=lead.pk)
    services.complaint_assign(actor=agent, complaint_id=lead.pk, department=departments["engineering"],
                              handler=handler, plan="上门")  # no receivers: the member stays
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_accept(actor=handler, complaint_id=lead.pk)
        services.complaint_resolve(actor=handler, complaint_id=lead.pk, result="已恢复供水")
    other.refresh_from_db()
    assert other.status == Status.RECEIVED  # a handler cannot verify or dispatch
    assert incidents.incident_of(lead).status == Incident.Status.OPEN


def test_the_complaint_page_shows_the_incident_with_its_complaints(
        client, grouped, world, t0, agent):
    rooms = world["a"]["rooms"]
    lead = grouped("utilities", room=rooms[0], at=t0, contact_phone=PHONES[0])
    other = grouped("utilities", room=rooms[1], at=t0, contact_phone=PHONES[1])
    client.force_login(agent)
    page = client.get(f"/console/c/{other.number}/").content.decode()
    assert "Incident #" in page and ": 2 complaints" in page
    assert f'href="/console/c/{lead.number}/"' in page


def test_the_incident_lists_only_the_complaints_the_viewer_may_read(
        client, grouped, world, t0, agent, handler, departments):
    rooms = world["a"]["rooms"]
    lead = grouped("utilities", room=rooms[0], at=t0, contact_phone=PHONES[0])
    other = grouped("utilities", room=rooms[1], at=t0, contact_phone=PHONES[1])
    services.complaint_verify(actor=agent, complaint_id=lead.pk)
    services.complaint_assign(actor=agent, complaint_id=lead.pk, department=departments["engineering"],
                              handler=handler, plan="上门")  # no receivers: the member stays undispatched
    client.force_login(handler)
    page = client.get(f"/console/c/{lead.number}/").content.decode()
    assert ": 2 complaints" in page and "and 1 complaint you cannot open" in page
    assert other.number not in page
