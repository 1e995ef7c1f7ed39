"""The audit log in the admin: read-only, for administrators and the quality department."""

from __future__ import annotations

import pytest

from anju.audit.log import record
from anju.audit.models import AuditEntry

LIST = "/admin/audit/auditentry/"


@pytest.fixture
def staff_site_user(django_user_model):
    """Give a fixture user access to the admin site itself (``is_staff``)."""

    def allow(user):
        user.is_staff = True
        user.save()
        return user

    return allow


def test_administrators_and_quality_can_read_the_log(client, admin_user, quality, staff_site_user):
    entry = record("pii.reveal", target=("complaints.complaint", 4242), data={"field": "contact_phone"})
    for user in (admin_user, staff_site_user(quality)):
        client.force_login(user)
        listing = client.get(LIST)
        assert listing.status_code == 200 and "pii.reveal" in listing.content.decode()
        detail = client.get(f"{LIST}{entry.pk}/change/")
        assert detail.status_code == 200 and entry.hash in detail.content.decode()
        assert 'name="_save"' not in detail.content.decode()


@pytest.mark.parametrize("role", ["agent", "manager", "supervisor", "handler"])
def test_other_staff_cannot_read_it(client, request, staff_site_user, role):
    client.force_login(staff_site_user(request.getfixturevalue(role)))
    assert client.get(LIST).status_code == 403
    assert "auditentry" not in client.get("/admin/").content.decode()


def test_nobody_can_add_change_or_delete_entries_there(client, admin_user):
    entry = record("auth.login")
    client.force_login(admin_user)

    assert client.get(f"{LIST}add/").status_code == 403
    assert client.get(f"{LIST}{entry.pk}/delete/").status_code == 403
    client.post(f"{LIST}{entry.pk}/change/", {"action": "auth.logout"})
    response = client.post(LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert response.status_code in {200, 302, 403}
    assert AuditEntry.objects.get(pk=entry.pk).action == "auth.login"


def test_the_log_is_searched_by_target_id_and_filtered_by_action(client, admin_user):
    record("export.complaints", target=("complaints.complaint", 5150))
    record("pii.reveal", target=("complaints.complaint", 5151))
    client.force_login(admin_user)

    found = client.get(LIST, {"q": "5150"}).context["cl"].result_list
    assert [e.action for e in found] == ["export.complaints"]
    filtered = client.get(LIST, {"action": "pii.reveal"}).context["cl"].result_list
    assert [e.target_id for e in filtered] == ["5151"]
