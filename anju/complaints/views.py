"""Serving attachments, only to people the access policy lets see the complaint.

The response type is the one detected from the content at upload time, never the
sender's claim or the file name; browsers must not second-guess it (nosniff), and a
file is never run as a page in our origin (a sandboxing Content-Security-Policy).
Photos open in the browser; every other file is offered as a download.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from anju.complaints.access import visible_complaints
from anju.complaints.models import Attachment

FILE_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    found = Attachment.objects.filter(pk=attachment_id,
                                      complaint__in=visible_complaints(request.user)).first()
    if found is None or not found.file:  # no file: removed under the retention policy
        raise Http404()
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404() from None
    response = FileResponse(handle, content_type=found.content_type,
                            as_attachment=not found.is_image, filename=found.original_name or "file")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    return response
