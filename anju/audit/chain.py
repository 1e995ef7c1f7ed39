"""How an entry's hash is computed: SHA-256 over the previous hash and the entry's fields.

The fields are serialised as sorted-key JSON with fixed separators, so the same entry
always gives the same bytes, whichever database stored it and however it returns the
values. Everything the hash covers is first brought to one canonical form
(``canonical_fields``): times in UTC with microseconds, IP addresses in their short
form, and ``data`` restricted to JSON types that survive a round trip through SQLite's
text and PostgreSQL's ``jsonb`` unchanged (numbers other than integers become text).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import uuid
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

GENESIS = "0" * 64
# The fields an entry's hash covers, besides the previous hash.
HASHED_FIELDS = ("seq", "created_at", "actor_id", "actor_label", "action", "target_type",
                 "target_id", "ip", "data")


def canonical_data(value: Any) -> Any:
    """``value`` as plain JSON that every supported database returns unchanged."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str | Promise):
        # PostgreSQL refuses NUL in text; replace it rather than fail the caller's write.
        return str(value).replace("\x00", "\ufffd")
    if isinstance(value, float | Decimal | uuid.UUID):
        # jsonb may rewrite 1e20 as 100000000000000000000: keep non-integers as text.
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {canonical_data(str(key)): canonical_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_data(item) for item in value]
    if isinstance(value, set | frozenset):
        items = [canonical_data(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    raise TypeError(f"audit data cannot hold a {type(value).__name__}; use ids and codes")


def canonical_ip(value: str | None) -> str | None:
    if not value:
        return None
    address = ipaddress.ip_address(value)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def canonical_time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The hashed fields of one entry in canonical form (input: model values or a DB row)."""
    return {
        "seq": int(fields["seq"]),
        "created_at": canonical_time(fields["created_at"]),
        "actor_id": fields["actor_id"],
        "actor_label": fields["actor_label"] or "",
        "action": fields["action"],
        "target_type": fields["target_type"] or "",
        "target_id": fields["target_id"] or "",
        "ip": canonical_ip(fields["ip"]),
        "data": canonical_data(fields["data"] if fields["data"] is not None else {}),
    }


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The hash of an entry whose predecessor's hash is ``prev_hash``."""
    body = json.dumps(canonical_fields(fields), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()
