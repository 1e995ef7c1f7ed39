"""Masking personal data inside free text (notes, results, message bodies).

Pure functions: phone numbers, ID card numbers and e-mail addresses are found by their
shape, names only when the caller passes them (a name has no shape). What is found is
replaced by ``MASK``; the rest of the text, which explains what happened, stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MASK = "***"
# Mainland ID card numbers (18 characters, last may be X), mobiles (with an optional +86),
# landlines with an area code, and e-mail addresses. Longest shapes first.
_PATTERNS = [
    re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])"),
    re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])"),
    re.compile(r"(?<![0-9])0[0-9]{2,3}[- ]?[0-9]{7,8}(?![0-9])"),
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
]
# One-character "names" would mask every occurrence of a common character.
MIN_NAME_LENGTH = 2


def redact(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with phone numbers, ID numbers, e-mail addresses and ``names`` masked."""
    if not text:
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= MIN_NAME_LENGTH},
                       key=len, reverse=True):
        text = text.replace(name, MASK)
    return text


def redact_data(value: Any, names: Iterable[str] = ()) -> Any:
    """Every string inside a JSON value redacted; numbers, booleans and keys kept."""
    names = list(names)
    if isinstance(value, str):
        return redact(value, names)
    if isinstance(value, list):
        return [redact_data(item, names) for item in value]
    if isinstance(value, dict):
        return {key: redact_data(item, names) for key, item in value.items()}
    return value
