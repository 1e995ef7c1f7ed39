"""Chinese phone numbers: normalise what people type, validate, mask."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_STRIP = re.compile(r"[\s\-()（）]")


def normalise(raw: str) -> str:
    """Digits only, without a +86/0086 country prefix. Returns '' for blank input."""
    value = _STRIP.sub("", raw or "")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    return value


def is_mobile(number: str) -> bool:
    return bool(_MOBILE.match(number))


def is_valid(number: str) -> bool:
    return bool(_MOBILE.match(number) or _LANDLINE.match(number))


def mask(number: str) -> str:
    """138****5678 for mobiles; keep the area code and last four digits otherwise."""
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
