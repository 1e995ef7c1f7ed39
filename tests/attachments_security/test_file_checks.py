"""Files are judged by their bytes: disguised programs and pages, oversize and broken photos
are refused with a clear message and never cause a server error."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from anju.complaints.models import Attachment, Complaint
from tests.api.conftest import error_of
from tests.attachments_security.pictures import jpeg_bytes, png

KEY = "k" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" * 8
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(api_for, user, complaint, *files):
    return api_for(user).upload(f"/complaints/{complaint.number}/attachments", {"file": list(files)})


@pytest.mark.parametrize(("name", "data"), [("photo.jpg", EXE), ("setup.exe", EXE),
                                            ("photo.jpg", HTML), ("page.html", HTML)])
def test_a_program_or_page_is_refused_whatever_its_name(api_for, resident, new_complaint, name, data):
    complaint = new_complaint()
    response = upload(api_for, resident.user, complaint,
                      SimpleUploadedFile(name, data, content_type="image/jpeg"))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "file_type" and name in error["message"]
    assert not Attachment.objects.exists()


def test_a_renamed_program_is_refused_in_the_portal_with_a_message(resident_client):
    response = resident_client.post(reverse("portal:new"), {
        "description": "门禁坏了", "idempotency_key": KEY,
        "photos": [SimpleUploadedFile("门禁.jpg", EXE, content_type="image/jpeg")]})
    assert response.status_code == 422
    assert "is not a photo, PDF, video or voice recording" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_photo_over_the_photo_limit_is_refused_with_the_limit(settings, api_for, agent,
                                                                new_complaint):
    settings.ANJU_UPLOAD_LIMITS = {**settings.ANJU_UPLOAD_LIMITS, "image": 2 * 1048576}
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (3 * 1048576))
    response = upload(api_for, agent, new_complaint(), big)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "file_too_large"
    assert error["message"] == "“big.png” is too large (3.0\xa0MB); photos can be at most 2.0\xa0MB."


def test_any_file_over_the_ceiling_is_refused_before_it_is_read(settings, api_for, agent,
                                                                new_complaint):
    settings.ANJU_UPLOAD_MAX_BYTES = 1048576
    big = SimpleUploadedFile("video.mp4", b"\x00" * (1048576 + 1))
    response = upload(api_for, agent, new_complaint(), big)
    assert error_of(response)["message"] == "“video.mp4” is too large (1.0\xa0MB); the limit is 1.0\xa0MB."


def test_an_oversize_photo_in_the_portal_gets_the_message(settings, resident_client):
    settings.ANJU_UPLOAD_LIMITS = {**settings.ANJU_UPLOAD_LIMITS, "image": 1024}
    response = resident_client.post(reverse("portal:new"), {
        "description": "漏水", "idempotency_key": KEY,
        "photos": [SimpleUploadedFile("leak.jpg", jpeg_bytes(size=(400, 400)))]})
    assert response.status_code == 422
    assert "is too large" in response.content.decode()
    assert "photos can be at most 1.0\xa0KB" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_photo_is_refused_not_a_server_error(api_for, resident, new_complaint, cut):
    data = jpeg_bytes(size=(300, 200))
    broken = SimpleUploadedFile("half.jpg", data[: int(len(data) * cut)])
    response = upload(api_for, resident.user, new_complaint(), broken)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "file_unreadable" and "half.jpg" in error["message"]
    assert not Attachment.objects.exists()


def test_a_truncated_photo_in_the_portal_is_a_message_and_nothing_is_recorded(resident_client):
    data = jpeg_bytes(size=(300, 200))
    response = resident_client.post(reverse("portal:new"), {
        "description": "漏水", "idempotency_key": KEY,
        "photos": [SimpleUploadedFile("half.jpg", data[: len(data) // 2])]})
    assert response.status_code == 422
    assert "could not be read as a photo" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_decompression_bomb_is_refused_before_it_is_decoded(api_for, agent, new_complaint):
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")  # 100 megapixels in a few kB
    assert len(buffer.getvalue()) < 100_000
    response = upload(api_for, agent, new_complaint(),
                      SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "image_too_large" and "too many pixels" in error["message"]


def test_a_heic_photo_is_refused_with_advice_when_it_cannot_be_cleaned(api_for, agent, new_complaint):
    from anju.lib import images

    if images.can_decode("image/heic"):
        pytest.skip("a HEIF plugin is installed: HEIC photos are re-encoded as JPEG")
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    response = upload(api_for, agent, new_complaint(), SimpleUploadedFile("IMG_0001.HEIC", heic))
    error = error_of(response)
    assert error["code"] == "file_type" and "Most Compatible" in error["message"]


def test_the_stored_name_is_random_with_the_detected_extension(api_for, agent, new_complaint):
    response = upload(api_for, agent, new_complaint(), png("../../etc/passwd.html"))
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    stored = attachment.file.name
    assert stored.startswith("attachments/") and stored.endswith(".png")
    assert "passwd" not in stored and ".html" not in stored
    assert attachment.original_name == "passwd.html" and attachment.content_type == "image/png"


def test_control_characters_in_a_file_name_are_kept_out_of_headers(api_for, agent, new_complaint):
    from anju.complaints.uploads import display_name

    assert display_name("a\r\nSet-Cookie: x=1.png") == "a_Set-Cookie: x=1.png"
    assert display_name("..\\..\\boot.ini") == "boot.ini"
    assert display_name("") == "file"
