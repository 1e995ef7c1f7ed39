"""POST /complaints/{number}/attachments: photos checked by content, not by name."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from anju.complaints.models import Attachment
from tests.api.conftest import error_of


def png(name="leak.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_photo_is_attached_with_a_note(api_for, resident, new_complaint):
    c = new_complaint()
    response = api_for(resident.user).upload(f"/complaints/{c.number}/attachments",
                                              {"file": png(), "note": "漏水照片"})
    assert response.status_code == 201, response.content
    detail = response.json()
    [attachment] = detail["attachments"]
    assert attachment["content_type"] == "image/png" and attachment["name"] == "leak.png"
    assert attachment["url"] == f"/files/{attachment['id']}/"
    assert detail["events"][-1]["note"] == "漏水照片"

    owner = Client()
    owner.force_login(resident.user)
    served = owner.get(attachment["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_several_photos_can_be_sent_at_once(api_for, agent, new_complaint):
    c = new_complaint()
    response = api_for(agent).upload(f"/complaints/{c.number}/attachments",
                                      {"file": [png("a.png"), png("b.png")]})
    assert response.status_code == 201
    assert Attachment.objects.filter(complaint=c).count() == 2


def test_a_text_file_renamed_to_png_is_refused(api_for, resident, new_complaint):
    c = new_complaint()
    fake = SimpleUploadedFile("photo.png", b"just some text, not an image", "image/png")
    response = api_for(resident.user).upload(f"/complaints/{c.number}/attachments", {"file": fake})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "file_type" and list(error["fields"]) == ["file"]
    assert "photo.png" in error["message"]
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file_is_a_field_error(api_for, resident, new_complaint):
    c = new_complaint()
    response = api_for(resident.user).upload(f"/complaints/{c.number}/attachments", {"note": "x"})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"file": ["This field is required."]}


def test_an_upload_to_a_complaint_out_of_reach_is_404(api_for, other_resident, new_complaint):
    c = new_complaint()
    response = api_for(other_resident.user).upload(f"/complaints/{c.number}/attachments",
                                                   {"file": png()})
    assert response.status_code == 404
    assert not Attachment.objects.exists()
