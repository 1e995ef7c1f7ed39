"""Photos made in memory the way phones write them: EXIF with GPS, XMP, a comment, rotated."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

# Where the photo was "taken": the coordinates must not survive the upload.
LATITUDE = (31.0, 14.0, 5.5)
LONGITUDE = (121.0, 28.0, 7.25)
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
       b'exif:GPSLatitude="31,14.09N" exif:GPSLongitude="121,28.12E"/></rdf:RDF></x:xmpmeta>')


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "ExamplePhone"
    exif[ExifTags.Base.Model] = "X200 Pro"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = LONGITUDE
    return exif


def jpeg_bytes(size=(60, 30), *, orientation: int = 6) -> bytes:
    """A landscape JPEG whose EXIF says "rotate 90°" (6), with GPS, XMP and a comment."""
    image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=gps_exif(orientation), xmp=XMP, comment=b"Zhang San, 1-101")
    return buffer.getvalue()


def gps_jpeg(name: str = "leak.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def png(name: str = "leak.png", size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def has_gps(image: Image.Image) -> bool:
    return bool(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def assert_no_metadata(data: bytes) -> Image.Image:
    """Read ``data`` with Pillow and check nothing but pixels (and colour) came through."""
    image = Image.open(io.BytesIO(data))
    assert not has_gps(image)
    assert dict(image.getexif()) == {}
    assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(image.info)
    # And not hidden anywhere else in the bytes either.
    for marker in (b"Exif\x00\x00", b"xmpmeta", b"Zhang San", b"ExamplePhone"):
        assert marker not in data, marker
    return image
