"""The admin shows residents' and complainants' personal data masked, and never in full."""

from __future__ import annotations

from anju.estates.models import Resident

PHONE, NAME, ID_NUMBER = "13800001111", "张三", "11010519491231002X"


def test_the_resident_list_and_form_show_masks_only(client, admin_user, resident):
    resident.id_number = ID_NUMBER
    resident.save()
    client.force_login(admin_user)
    listing = client.get("/admin/estates/resident/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "138****1111" in text and "张*" in text
    assert PHONE not in text and NAME not in text

    # (The test fixture's account is named after the phone; real ones are "resident-<id>".)
    form = client.get(f"/admin/estates/resident/{resident.pk}/change/").content.decode()
    form = form.replace(resident.user.username, "")
    assert PHONE not in form and NAME not in form and ID_NUMBER not in form
    assert 'placeholder="138****1111"' in form and 'placeholder="110***********002X"' in form


def _post(client, resident, **changes):
    data = {"name": "", "phone": "", "id_number": "", "user": resident.user_id or "",
            "residencies-TOTAL_FORMS": "0", "residencies-INITIAL_FORMS": "0",
            "residencies-MIN_NUM_FORMS": "0", "residencies-MAX_NUM_FORMS": "1000", **changes}
    return client.post(f"/admin/estates/resident/{resident.pk}/change/", data)


def test_an_empty_masked_field_keeps_the_stored_value_and_typing_replaces_it(
        client, admin_user, resident):
    client.force_login(admin_user)
    response = _post(client, resident)
    assert response.status_code == 302, response.context["adminform"].form.errors
    resident.refresh_from_db()
    assert (resident.name, resident.phone) == (NAME, PHONE)

    assert _post(client, resident, phone="13912345678").status_code == 302
    resident.refresh_from_db()
    assert (resident.name, resident.phone) == (NAME, "13912345678")
    assert Resident.objects.with_phone("13912345678").get() == resident


def test_the_complaint_admin_shows_the_complainant_masked(client, admin_user, agent, world):
    from anju.complaints.models import Channel
    from anju.complaints.services import complaint_create

    complaint = complaint_create(actor=agent, channel=Channel.PHONE, estate=world["a"]["estate"],
                                 description="楼道灯不亮", contact_name="李四",
                                 contact_phone="13900002222").complaint
    client.force_login(admin_user)
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "139****2222" in text and "李*" in text
    assert "13900002222" not in text and "李四" not in text
