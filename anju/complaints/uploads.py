"""Files attached to complaints: checked from their content, photos re-encoded.

``check_uploads`` runs before anything is written: the type comes from the bytes (never
from the name or the browser's claim), each kind has its own size limit, and a photo must
decode completely. ``prepare`` produces what is stored: photos re-encoded without their
metadata (``anju.lib.images``), other files as sent. Stored names are random and carry the
extension of the detected type; the sender's file name is kept only to be displayed.
The services call both through ``anju.complaints.filestore``, before a change's
transaction starts, and keep the stored files only if it commits.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.lib import images
from anju.lib.errors import InvalidInput

# Detected content type → (kind, stored extension). The kind picks the size limit.
ALLOWED_TYPES = {
    "image/jpeg": ("image", "jpg"),
    "image/png": ("image", "png"),
    "image/webp": ("image", "webp"),
    "image/gif": ("image", "gif"),
    "image/heic": ("image", "heic"),
    "application/pdf": ("document", "pdf"),
    "video/mp4": ("video", "mp4"),
    "audio/mpeg": ("audio", "mp3"),
    "audio/x-m4a": ("audio", "m4a"),
    "audio/m4a": ("audio", "m4a"),
}
KIND_LABELS = {
    "image": _("photos"),
    "document": _("documents"),
    "video": _("videos"),
    "audio": _("voice recordings"),
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Prepared:
    """What is stored for one upload."""

    content: File
    content_type: str
    size: int
    display_name: str


def display_name(raw: str | None) -> str:
    """The sender's file name, fit for display and a Content-Disposition header only."""
    name = _CONTROL.sub("_", re.split(r"[/\\]", raw or "")[-1]).strip(" .")
    return (name or "file")[-200:]


def upload_path(instance: Any, filename: str) -> str:
    """A random name; the extension follows the detected type, never the sender's name."""
    extension = ALLOWED_TYPES.get(instance.content_type, ("", "bin"))[1]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def _too_large(name: str, size: int, limit: int, kind: str | None = None) -> InvalidInput:
    size_text, limit_text = filesizeformat(size), filesizeformat(limit)
    if kind is None:
        return InvalidInput(_("“%(name)s” is too large (%(size)s); the limit is %(limit)s."),
                            code="file_too_large", name=name, size=size_text, limit=limit_text)
    return InvalidInput(_("“%(name)s” is too large (%(size)s); %(kind)s can be at most %(limit)s."),
                        code="file_too_large", name=name, size=size_text, limit=limit_text,
                        kind=KIND_LABELS[kind])


def _image_refusal(name: str, reason: str) -> InvalidInput:
    if reason == images.ImageRefused.TOO_MANY_PIXELS:
        return InvalidInput(
            _("“%(name)s” has too many pixels to be processed; please send a smaller photo."),
            code="image_too_large", name=name)
    if reason == images.ImageRefused.UNSUPPORTED:
        return InvalidInput(
            _("“%(name)s” is a HEIC photo, which cannot be accepted here; please send it as "
              "JPEG (on an iPhone: Settings → Camera → Formats → Most Compatible)."),
            code="file_type", name=name)
    return InvalidInput(
        _("“%(name)s” could not be read as a photo; it may be damaged or incomplete. "
          "Please take or choose the photo again."),
        code="file_unreadable", name=name)


def check_upload(upload: Any) -> str:
    """Return the detected content type of an uploaded file, or raise InvalidInput."""
    name = display_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None) or 0
    if size > settings.ANJU_UPLOAD_MAX_BYTES:
        raise _too_large(name, size, settings.ANJU_UPLOAD_MAX_BYTES)
    if size == 0:
        raise InvalidInput(_("“%(name)s” is empty."), code="file_empty", name=name)
    upload.seek(0)
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise InvalidInput(
            _("“%(name)s” is not a photo, PDF, video or voice recording we can accept."),
            code="file_type", name=name)
    content_type = kind.mime
    file_kind = ALLOWED_TYPES[content_type][0]
    limit = settings.ANJU_UPLOAD_LIMITS[file_kind]
    if size > limit:
        raise _too_large(name, size, limit, file_kind)
    if file_kind == "image":
        try:
            images.check(upload, content_type, max_pixels=settings.ANJU_IMAGE_MAX_PIXELS)
        except images.ImageRefused as refused:
            raise _image_refusal(name, refused.reason) from None
    return content_type


def check_uploads(files: list[Any]) -> list[str]:
    if len(files) > settings.ANJU_UPLOAD_MAX_FILES:
        raise InvalidInput(_("At most %(limit)s files can be attached at once."),
                           code="too_many_files", limit=settings.ANJU_UPLOAD_MAX_FILES)
    return [check_upload(f) for f in files]


def prepare(upload: Any, content_type: str) -> Prepared:
    """What to store for an upload ``check_upload`` accepted as ``content_type``."""
    name = display_name(getattr(upload, "name", ""))
    if ALLOWED_TYPES[content_type][0] != "image":
        upload.seek(0)
        return Prepared(File(upload), content_type, upload.size, name)
    try:
        picture = images.clean(upload, content_type, max_pixels=settings.ANJU_IMAGE_MAX_PIXELS,
                               max_edge=settings.ANJU_IMAGE_MAX_EDGE)
    except images.ImageRefused as refused:
        raise _image_refusal(name, refused.reason) from None
    return Prepared(ContentFile(picture.data), picture.content_type, len(picture.data), name)
