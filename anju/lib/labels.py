"""Names of reference entries (categories, departments) in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def localised_name(obj: Any) -> str:
    """A taxonomy entry's name in the reader's language (Chinese names are the originals)."""
    if obj is None:
        return ""
    english = getattr(obj, "name_en", "")
    if english and (get_language() or "").startswith("en"):
        return english
    return obj.name
