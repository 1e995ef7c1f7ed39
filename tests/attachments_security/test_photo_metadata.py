"""Photos lose their EXIF (GPS position, device), XMP and comments, whichever way they arrive."""

from __future__ import annotations

import io

from django.urls import reverse
from PIL import Image

from anju.complaints.models import Attachment, Complaint
from tests.attachments_security.conftest import served_bytes
from tests.attachments_security.pictures import assert_no_metadata, gps_jpeg, has_gps, jpeg_bytes

KEY = "k" * 32


def test_the_test_photo_really_carries_gps_and_a_rotation():
    image = Image.open(io.BytesIO(jpeg_bytes()))
    assert has_gps(image) and image.getexif()[0x0112] == 6 and "xmp" in image.info


def test_a_photo_sent_from_the_portal_is_stored_and_served_without_gps(resident_client):
    response = resident_client.post(reverse("portal:new"), {
        "description": "卫生间天花板漏水", "photos": [gps_jpeg()], "idempotency_key": KEY})
    assert response.status_code == 302, response.content
    attachment = Attachment.objects.get(complaint=Complaint.objects.get())

    with attachment.file.open("rb") as stored:
        assert_no_metadata(stored.read())
    served, body = served_bytes(resident_client, reverse("files:attachment", args=[attachment.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    image = assert_no_metadata(body)
    # The EXIF rotation was applied to the pixels before it was dropped: now portrait.
    assert image.size == (30, 60)
    assert attachment.size == len(body) and attachment.original_name == "leak.jpg"


def test_a_photo_sent_through_the_api_is_stored_and_served_without_gps(api_for, resident,
                                                                      resident_client, new_complaint):
    complaint = new_complaint()
    response = api_for(resident.user).upload(f"/complaints/{complaint.number}/attachments",
                                             {"file": gps_jpeg("现场.jpg")})
    assert response.status_code == 201, response.content
    [listed] = response.json()["attachments"]
    assert listed["name"] == "现场.jpg" and listed["content_type"] == "image/jpeg"

    served, body = served_bytes(resident_client, listed["url"])
    assert served.status_code == 200
    assert assert_no_metadata(body).size == (30, 60)


def test_staff_uploads_from_the_console_services_are_cleaned_too(agent, new_complaint):
    from anju.complaints import services

    complaint = new_complaint()
    services.complaint_add_note(actor=agent, complaint_id=complaint.pk, files=[gps_jpeg()])
    with Attachment.objects.get().file.open("rb") as stored:
        assert_no_metadata(stored.read())


def test_a_huge_photo_is_scaled_down_to_the_longest_edge_allowed(settings, api_for, agent,
                                                                 new_complaint):
    settings.ANJU_IMAGE_MAX_EDGE = 256
    complaint = new_complaint()
    upload = gps_jpeg(size=(1000, 400), orientation=1)
    response = api_for(agent).upload(f"/complaints/{complaint.number}/attachments", {"file": upload})
    assert response.status_code == 201
    with Attachment.objects.get().file.open("rb") as stored:
        assert assert_no_metadata(stored.read()).size == (256, 102)


def test_png_text_chunks_do_not_survive(api_for, agent, new_complaint):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Zhang San, 1-101")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS 31,14N</x:xmpmeta>")
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=info)
    upload = SimpleUploadedFile("shot.png", buffer.getvalue(), "image/png")

    complaint = new_complaint()
    response = api_for(agent).upload(f"/complaints/{complaint.number}/attachments", {"file": upload})
    assert response.status_code == 201
    with Attachment.objects.get().file.open("rb") as stored:
        data = stored.read()
    image = assert_no_metadata(data)
    assert image.mode == "RGBA" and "Comment" not in image.info


def test_a_gif_keeps_its_first_frame_as_png(api_for, agent, new_complaint):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    frames = [Image.new("P", (6, 6), i) for i in range(3)]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"Zhang San")
    complaint = new_complaint()
    response = api_for(agent).upload(f"/complaints/{complaint.number}/attachments",
                                     {"file": SimpleUploadedFile("a.gif", buffer.getvalue())})
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.file.name.endswith(".png")
    with attachment.file.open("rb") as stored:
        assert_no_metadata(stored.read())
