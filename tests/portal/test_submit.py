"""Making a complaint from the portal: one form, then the confirmation with its number."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from anju.complaints.models import Attachment, Channel, Complaint, ComplaintEvent, Status
from anju.estates.models import Residency
from tests.portal.photos import png

KEY = "k" * 32


def test_a_resident_submits_a_complaint_with_a_photo(resident_client, resident, world, categories):
    response = resident_client.post(reverse("portal:new"), {
        "category": categories["repair"].pk, "description": "卫生间天花板漏水",
        "photos": [png()], "idempotency_key": KEY,
    })

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:submitted", args=[complaint.number])
    assert complaint.resident == resident and complaint.channel == Channel.WEB
    assert complaint.room == world["a"]["rooms"][0] and complaint.estate == world["a"]["estate"]
    assert complaint.category == categories["repair"] and complaint.status == Status.RECEIVED
    assert complaint.occurred_at is not None
    attachment = Attachment.objects.get(complaint=complaint)
    assert attachment.content_type == "image/png" and attachment.kind == Attachment.Kind.INTAKE
    assert ComplaintEvent.objects.filter(complaint=complaint, action="complaint.received").exists()

    page = resident_client.get(response.url).content.decode()
    assert complaint.number in page and "What happens next" in page


def test_the_form_offers_the_categories_and_not_sure(resident_client, categories):
    page = resident_client.get(reverse("portal:new")).content.decode()
    assert categories["repair"].name_en in page and "Not sure" in page
    assert 'accept="image/*"' in page and "multiple" in page
    assert 'name="room"' not in page  # one home: nothing to choose


def test_not_sure_leaves_the_category_empty(resident_client):
    resident_client.post(reverse("portal:new"), {"category": "", "description": "楼道灯不亮",
                                                 "idempotency_key": KEY})
    assert Complaint.objects.get().category is None


def test_a_missing_description_is_asked_for_and_nothing_is_recorded(resident_client):
    response = resident_client.post(reverse("portal:new"), {
        "description": "  ", "occurred_at": "2026-01-02T08:30", "idempotency_key": KEY})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Please describe the problem" in page
    assert 'value="2026-01-02T08:30"' in page
    assert not Complaint.objects.exists()


def test_a_refused_complaint_keeps_the_text_and_asks_for_the_photos_again(resident_client):
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = resident_client.post(reverse("portal:new"), {
        "description": "楼上装修太吵了", "occurred_at": future, "photos": [png()],
        "idempotency_key": KEY})
    assert response.status_code == 422
    page = response.content.decode()
    assert "楼上装修太吵了" in page
    assert "cannot be in the future" in page
    assert "Please choose your photos again" in page
    assert f'value="{KEY}"' in page
    assert not Complaint.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused_with_a_message(resident_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("virus.png", b"MZ this is not an image", content_type="image/png")
    response = resident_client.post(reverse("portal:new"), {
        "description": "门禁坏了", "photos": [fake], "idempotency_key": KEY})
    assert response.status_code == 422
    assert "is not a photo" in response.content.decode()
    assert not Complaint.objects.exists()


def test_too_many_photos_are_refused(resident_client, settings):
    settings.ANJU_UPLOAD_MAX_FILES = 2
    response = resident_client.post(reverse("portal:new"), {
        "description": "门禁坏了", "photos": [png("1.png"), png("2.png"), png("3.png")],
        "idempotency_key": KEY})
    assert response.status_code == 422
    assert "at most 2 photos" in response.content.decode()


def test_sending_the_form_twice_records_one_complaint(resident_client):
    form = resident_client.get(reverse("portal:new")).context["form"]
    key = form.initial["idempotency_key"]
    data = {"description": "电梯停了", "idempotency_key": key}
    first = resident_client.post(reverse("portal:new"), data)
    second = resident_client.post(reverse("portal:new"), data)
    assert first.url == second.url
    assert Complaint.objects.count() == 1


def test_each_form_gets_its_own_key(resident_client):
    first = resident_client.get(reverse("portal:new")).context["form"].initial["idempotency_key"]
    second = resident_client.get(reverse("portal:new")).context["form"].initial["idempotency_key"]
    assert first != second


def test_a_resident_with_two_homes_chooses_one_of_their_own(resident_client, resident, world):
    other_estate_room = world["b"]["rooms"][0]
    Residency.objects.create(resident=resident, room=other_estate_room)
    page = resident_client.get(reverse("portal:new")).content.decode()
    assert 'name="room"' in page

    missing = resident_client.post(reverse("portal:new"), {"description": "x", "idempotency_key": KEY})
    assert "Please choose your home" in missing.content.decode()
    someone_elses = resident_client.post(reverse("portal:new"), {
        "description": "x", "room": world["a"]["rooms"][1].pk, "idempotency_key": KEY})
    assert someone_elses.status_code == 422

    resident_client.post(reverse("portal:new"), {
        "description": "车库漏水", "room": other_estate_room.pk, "idempotency_key": KEY})
    complaint = Complaint.objects.get()
    assert complaint.room == other_estate_room and complaint.estate == world["b"]["estate"]


def test_a_resident_without_a_home_is_told_to_call_the_desk(resident_client, resident):
    resident.residencies.all().delete()
    response = resident_client.get(reverse("portal:new"))
    assert "No home is linked" in response.content.decode()
    response = resident_client.post(reverse("portal:new"), {"description": "x"})
    assert not Complaint.objects.exists()


def test_the_new_complaint_form_is_never_cached_so_back_cannot_resubmit_it(resident_client):
    response = resident_client.get(reverse("portal:new"))
    assert "no-store" in response["Cache-Control"]
