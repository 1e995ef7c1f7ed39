"""Re-encoding uploaded photos so that only the picture is kept.

A phone photo carries more than pixels: EXIF (often the GPS position where it was taken,
the device, the time), XMP and comments. A complaint about a leaking ceiling needs none
of it, and a resident's home position must not leak through a photo. ``clean`` decodes
the picture, turns it upright (EXIF orientation), scales it down to ``max_edge`` and writes
a new file holding the pixels and the colour profile only.

Decoding is refused before any pixel is read when the header promises more than
``max_pixels`` pixels, so a small file that would expand to gigabytes (a decompression
bomb) costs nothing. Every decoding failure of the untrusted bytes becomes ``ImageRefused``.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps

# Detected content type → (Pillow decoder, Pillow encoder, stored content type).
# GIF keeps its first frame as PNG; HEIC (when a HEIF plugin is installed) becomes JPEG,
# which every browser shows.
FORMATS = {
    "image/jpeg": ("JPEG", "JPEG", "image/jpeg"),
    "image/png": ("PNG", "PNG", "image/png"),
    "image/webp": ("WEBP", "WEBP", "image/webp"),
    "image/gif": ("GIF", "PNG", "image/png"),
    "image/heic": ("HEIF", "JPEG", "image/jpeg"),
}
_MODES = {
    "JPEG": frozenset({"L", "RGB", "CMYK"}),
    "PNG": frozenset({"1", "L", "LA", "I", "I;16", "RGB", "RGBA"}),
    "WEBP": frozenset({"RGB", "RGBA"}),
}
_OPTIONS = {"JPEG": {"quality": 85}, "PNG": {}, "WEBP": {"quality": 85}}


class ImageRefused(Exception):
    """The bytes are not a picture we can safely decode. ``reason`` says why."""

    UNREADABLE = "unreadable"
    TOO_MANY_PIXELS = "too_many_pixels"
    UNSUPPORTED = "unsupported"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def can_decode(content_type: str) -> bool:
    """Whether this installation can re-encode the type (HEIC needs a HEIF plugin)."""
    entry = FORMATS.get(content_type)
    Image.init()  # Pillow registers its decoders lazily: until then Image.OPEN may be empty
    return entry is not None and entry[0] in Image.OPEN


@contextmanager
def _opened(stream: IO[bytes], content_type: str, max_pixels: int) -> Iterator[Image.Image]:
    if not can_decode(content_type):
        raise ImageRefused(ImageRefused.UNSUPPORTED)
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only the decoder of the detected type may read the bytes.
            with Image.open(stream, formats=[FORMATS[content_type][0]]) as image:
                if image.width * image.height > max_pixels:
                    raise ImageRefused(ImageRefused.TOO_MANY_PIXELS)
                yield image
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(ImageRefused.TOO_MANY_PIXELS) from None
    except Exception:
        # Decoders of untrusted bytes fail in many ways (OSError for a truncated file,
        # SyntaxError, ValueError, struct.error…): all mean the same to the sender.
        raise ImageRefused(ImageRefused.UNREADABLE) from None
    finally:
        stream.seek(0)


def check(stream: IO[bytes], content_type: str, *, max_pixels: int) -> None:
    """Decode the whole picture once (JPEG at reduced scale, which is cheap), or refuse it."""
    with _opened(stream, content_type, max_pixels) as image:
        if image.format == "JPEG":
            image.draft(None, (max(image.width // 8, 1), max(image.height // 8, 1)))
        image.load()


def clean(stream: IO[bytes], content_type: str, *, max_pixels: int, max_edge: int) -> CleanImage:
    """A new file with the upright, at most ``max_edge`` pixels wide or high picture only."""
    encoder, stored_type = FORMATS[content_type][1:]
    with _opened(stream, content_type, max_pixels) as image:
        if image.format == "JPEG":
            image.draft(None, (max_edge, max_edge))  # libjpeg scales while decoding
        image.load()
        icc_profile = image.info.get("icc_profile")
        picture = _for_encoder(ImageOps.exif_transpose(image), encoder)
        if max(picture.size) > max_edge:
            picture.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
        # What the decoder found beside the pixels (exif, xmp, comment, dpi…) stays behind.
        picture.info = {}
        options = dict(_OPTIONS[encoder])
        if icc_profile:
            options["icc_profile"] = icc_profile
        buffer = io.BytesIO()
        picture.save(buffer, encoder, **options)
    return CleanImage(buffer.getvalue(), stored_type, picture.width, picture.height)


def _for_encoder(picture: Image.Image, encoder: str) -> Image.Image:
    if picture.mode in _MODES[encoder]:
        return picture
    has_alpha = picture.mode in ("LA", "PA", "RGBa", "La") or "transparency" in picture.info
    if encoder == "JPEG" or not has_alpha:
        return picture.convert("RGB")
    return picture.convert("RGBA")
