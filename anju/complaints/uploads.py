"""Checking files attached to complaints: type detected from content, size limited."""

from __future__ import annotations

import uuid
from typing import Any

import filetype
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.lib.errors import InvalidInput

ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "audio/mpeg": "mp3",
    "audio/x-m4a": "m4a",
    "audio/m4a": "m4a",
}


def upload_path(instance: Any, filename: str) -> str:
    """Stored under a generated name; the resident's file name is kept only in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def check_upload(upload: Any) -> str:
    """Return the detected content type of an uploaded file, or raise InvalidInput."""
    name = getattr(upload, "name", "") or "file"
    size = getattr(upload, "size", None) or 0
    if size > settings.ANJU_UPLOAD_MAX_BYTES:
        raise InvalidInput(
            _("“%(name)s” is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="file_too_large", name=name, size=round(size / 1048576, 1),
            limit=round(settings.ANJU_UPLOAD_MAX_BYTES / 1048576, 1))
    if size == 0:
        raise InvalidInput(_("“%(name)s” is empty."), code="file_empty", name=name)
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise InvalidInput(
            _("“%(name)s” is not a photo, PDF, video or voice recording we can accept."),
            code="file_type", name=name)
    return kind.mime


def check_uploads(files: list[Any]) -> list[str]:
    if len(files) > settings.ANJU_UPLOAD_MAX_FILES:
        raise InvalidInput(_("At most %(limit)s files can be attached at once."),
                           code="too_many_files", limit=settings.ANJU_UPLOAD_MAX_FILES)
    return [check_upload(f) for f in files]
