"""Each kind of event is recorded by the real code path that causes it."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from anju.accounts.models import ApiToken
from anju.complaints import services
from anju.staff.models import Department, Role
from tests.audit.conftest import entries
from tests.portal.test_signin import sent_code

PASSWORD = "anju-test-pass-1"


def last(action):
    found = entries(action)
    assert found, f"no {action} entry"
    return found[-1]


# --------------------------------------------------------------------------- signing in

def test_a_console_sign_in_is_recorded_with_who_and_where(client, agent):
    client.post("/console/login/", {"username": "agent", "password": PASSWORD},
                REMOTE_ADDR="198.51.100.4")

    entry = last("auth.login")
    assert entry.actor == agent and entry.actor_label == "agent"
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(agent.pk))
    assert entry.ip == "198.51.100.4" and entry.data == {"path": "/console/login/"}


def test_a_failed_sign_in_keeps_the_name_tried_and_never_the_password(client, agent):
    client.post("/console/login/", {"username": "agent", "password": "wrong-Secret-42"})

    entry = last("auth.login_failed")
    assert entry.actor is None and entry.actor_label == "anonymous" and entry.ip == "127.0.0.1"
    assert entry.data == {"username": "agent", "path": "/console/login/"}
    assert "wrong-Secret-42" not in json.dumps([e.data for e in entries()])


def test_a_phone_number_typed_as_user_name_is_masked(client, db):
    client.post("/console/login/", {"username": "13800001111", "password": "x"})
    assert last("auth.login_failed").data["username"] == "138****1111"


def test_signing_out_is_recorded(client, agent):
    client.force_login(agent)
    client.post("/console/logout/")
    entry = last("auth.logout")
    assert entry.actor == agent and entry.target_id == str(agent.pk)


def test_a_resident_sign_in_with_a_code_is_recorded(client, resident):
    client.post(reverse("portal:signin"), {"phone": "13800001111"})
    client.post(reverse("portal:signin_code"), {"code": "000000" if sent_code() != "000000" else "111111"})
    client.post(reverse("portal:signin_code"), {"code": sent_code()})

    failed, signed_in = last("auth.otp_failed"), last("auth.otp_signin")
    assert failed.data == {"reason": "code_wrong"} and failed.actor is None
    assert signed_in.actor == resident.user and signed_in.ip == "127.0.0.1"
    assert (signed_in.target_type, signed_in.target_id) == ("estates.resident", str(resident.pk))
    assert last("auth.login").actor == resident.user
    everything = json.dumps([[e.actor_label, e.target_id, e.data] for e in entries()], ensure_ascii=False)
    assert "13800001111" not in everything and resident.name not in everything


# --------------------------------------------------------------------------- complaints

def test_every_complaint_transition_is_recorded(new_complaint, resident, agent):
    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk, category="repair")

    received, verified = last("complaint.received"), last("complaint.verify")
    assert received.actor == resident.user and verified.actor == agent
    assert (verified.target_type, verified.target_id) == ("complaints.complaint", str(complaint.pk))
    assert verified.data["number"] == complaint.number
    assert (verified.data["from"], verified.data["to"]) == ("received", "verified")
    assert verified.data["event"] == complaint.events.get(action="complaint.verify").pk
    assert received.seq < verified.seq


# --------------------------------------------------------------------------- roles and permissions

def test_role_and_reach_changes_are_recorded(agent, estate_a, estate_b, departments):
    profile = agent.staff
    profile.role = Role.SUPERVISOR
    profile.save()
    profile.estates.add(estate_b)
    profile.departments.set([departments["engineering"]])
    profile.estates.clear()

    role = last("staff.role_changed")
    assert role.data == {"field": "role", "from": "agent", "to": "supervisor"}
    assert (role.target_type, role.target_id) == ("accounts.user", str(agent.pk))
    added, cleared = entries("staff.reach_changed")[-2:]
    assert added.data == {"field": "estates", "added": [estate_b.pk]}
    assert cleared.data == {"field": "estates", "removed": sorted([estate_a.pk, estate_b.pk])}
    assert last("staff.departments_changed").data == {"field": "departments",
                                                      "added": [departments["engineering"].pk]}


def test_a_change_from_the_other_side_of_the_relation_is_recorded_per_person(agent, manager, estate_b):
    estate_b.staff.add(agent.staff, manager.staff)

    changed = entries("staff.reach_changed")[-2:]
    assert {e.target_id for e in changed} == {str(agent.pk), str(manager.pk)}
    assert all(e.data == {"field": "estates", "added": [estate_b.pk]} for e in changed)


def test_user_flags_groups_and_permissions_are_recorded(agent):
    agent.is_superuser = True
    agent.save()
    group = Group.objects.create(name="auditors")
    agent.groups.add(group)
    permission = Permission.objects.get(codename="view_auditentry")
    agent.user_permissions.add(permission)
    group.permissions.add(permission)

    assert last("user.access_changed").data == {"field": "is_superuser", "from": False, "to": True}
    assert last("user.groups_changed").data == {"field": "groups", "added": [group.pk]}
    assert last("user.permissions_changed").data == {"field": "user_permissions",
                                                     "added": ["audit.view_auditentry"]}
    assert last("group.permissions_changed").target_id == str(group.pk)


def test_signing_in_does_not_count_as_a_change_of_access(client, agent):
    before = len(entries("user.access_changed"))
    client.post("/console/login/", {"username": "agent", "password": PASSWORD})
    assert len(entries("user.access_changed")) == before


# --------------------------------------------------------------------------- the admin

def test_a_change_in_the_admin_is_recorded_without_object_names(client, admin_user, departments):
    department = departments["engineering"]
    client.force_login(admin_user)
    response = client.post(f"/admin/staff/department/{department.pk}/change/",
                           {"code": department.code, "name": "工程维修部", "name_en": "Engineering",
                            "is_active": "on"})
    assert response.status_code == 302

    entry = last("config.changed")
    assert entry.actor == admin_user
    assert (entry.target_type, entry.target_id) == ("staff.department", str(department.pk))
    assert entry.data["kind"] == "changed"
    assert entry.data["changes"] == [{"kind": "changed", "fields": ["Name"]}]
    assert "工程维修部" not in json.dumps(entry.data, ensure_ascii=False)


def test_a_role_change_in_the_admin_is_recorded_as_both(client, admin_user, agent, estate_a):
    client.force_login(admin_user)
    response = client.post(f"/admin/staff/staffprofile/{agent.staff.pk}/change/", {
        "user": agent.pk, "role": Role.MANAGER, "phone": "", "estates": [estate_a.pk],
        "on_duty": "on"})
    assert response.status_code == 302

    role = last("staff.role_changed")
    assert role.actor == admin_user and role.data["to"] == "manager"
    assert last("config.changed").target_type == "staff.staffprofile"


@pytest.mark.parametrize("count", [1, 3])
def test_deleting_in_bulk_in_the_admin_records_each_object_once(client, admin_user, db, count):
    doomed = [Department.objects.create(code=f"temp{n}", name=f"临时{n}") for n in range(count)]
    client.force_login(admin_user)
    response = client.post("/admin/staff/department/", {
        "action": "delete_selected", "_selected_action": [d.pk for d in doomed], "post": "yes"})
    assert response.status_code == 302 and not Department.objects.filter(code__startswith="temp").exists()

    deleted = [e for e in entries("config.changed") if e.data["kind"] == "deleted"]
    assert sorted(e.target_id for e in deleted) == sorted(str(d.pk) for d in doomed)
    assert all(e.actor == admin_user for e in deleted)


# --------------------------------------------------------------------------- API tokens

def test_issuing_and_revoking_a_token_from_the_command_line_is_recorded(agent):
    call_command("token", "create", "--user", "agent", "--name", "bridge",
                 stdout=io.StringIO(), stderr=io.StringIO())
    token = ApiToken.objects.get()
    call_command("token", "revoke", f"anju_{token.prefix}", stdout=io.StringIO())

    created, revoked = last("token.created"), last("token.revoked")
    assert created.data == revoked.data == {"user": agent.pk, "prefix": token.prefix}
    assert created.target_id == revoked.target_id == str(token.pk)
    assert created.actor_label == "system"


def test_revoking_tokens_in_the_admin_is_recorded(client, admin_user, agent):
    token, _key = ApiToken.issue(user=agent, name="bridge")
    client.force_login(admin_user)
    client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = last("token.revoked")
    assert entry.actor == admin_user and entry.target_id == str(token.pk)
