"""Serving attachments, only to people the access policy lets see the complaint."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from anju.complaints.access import visible_complaints
from anju.complaints.models import Attachment


def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    found = Attachment.objects.filter(pk=attachment_id,
                                      complaint__in=visible_complaints(request.user)).first()
    if found is None:
        raise Http404()
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404() from None
    response = FileResponse(handle, content_type=found.content_type,
                            as_attachment=not found.is_image, filename=found.original_name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
