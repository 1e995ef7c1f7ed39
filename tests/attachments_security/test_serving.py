"""/files/<id>/: only through the access policy, with our type, never sniffed or run."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anju.complaints.models import Attachment
from tests.attachments_security.conftest import served_bytes
from tests.attachments_security.pictures import png

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(attachment):
    return reverse("files:attachment", args=[attachment.pk])


def test_a_photo_is_shown_inline_with_the_stored_type_and_safe_headers(resident_client,
                                                                       new_complaint):
    # The browser claimed text/html: the type served is the one detected and stored.
    complaint = new_complaint(files=[SimpleUploadedFile("现场.png", png().read(), "text/html")])
    attachment = complaint.attachments.get()
    response, body = served_bytes(resident_client, url(attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''%E7%8E%B0%E5%9C%BA.png" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert "private" in response["Cache-Control"]
    assert body.startswith(b"\x89PNG")


def test_other_files_are_downloads_never_pages(client, agent, new_complaint):
    complaint = new_complaint(files=[SimpleUploadedFile("报价.pdf", PDF, "text/html")])
    client.force_login(agent)
    response = client.get(url(complaint.attachments.get()))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


def test_someone_outside_the_complaints_reach_gets_not_found(client, new_complaint, other_resident,
                                                            agent_b):
    attachment = new_complaint(files=[png()]).attachments.get()
    assert client.get(url(attachment)).status_code == 404  # signed out
    for outsider in (other_resident.user, agent_b):
        client.force_login(outsider)
        assert client.get(url(attachment)).status_code == 404
    assert client.get(reverse("files:attachment", args=[attachment.pk + 1000])).status_code == 404


def test_a_file_removed_under_retention_is_gone_for_everyone(client, admin_user, new_complaint):
    attachment = new_complaint(files=[png()]).attachments.get()
    Attachment.objects.filter(pk=attachment.pk).update(file="", original_name="")
    client.force_login(admin_user)
    assert client.get(url(attachment)).status_code == 404
