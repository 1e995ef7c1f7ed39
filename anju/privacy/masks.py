"""Masked forms of personal data for places that must not hold it in full (logs, labels)."""

from __future__ import annotations

from anju.lib import phones


def masked_name(name: str) -> str:
    """张* for 张三, 欧阳** for a four-character name: the surname stays."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)


def masked_contact(value: str) -> str:
    """138****5678 for a number; a***@example.com for an e-mail address."""
    value = value or ""
    if "@" in value:
        local, _at, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return phones.mask(value)
