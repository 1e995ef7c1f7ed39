"""Mainland China resident ID numbers (居民身份证号码): normalise and validate."""

from __future__ import annotations

import re

_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalise(raw: str) -> str:
    """Without spaces, with an upper-case X check character. '' for blank input."""
    return re.sub(r"\s", "", raw or "").upper()


def is_valid(number: str) -> bool:
    """18 characters whose last one is the GB 11643 check character of the first 17."""
    if not _SHAPE.match(number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number, _WEIGHTS, strict=False))
    return _CHECK[total % 11] == number[-1]
