"""Resolving API keys (``accounts.ApiToken``) to users.

Used by the REST API's bearer authentication (``anju.api.auth``). It sits with the API
rather than with the tokens because it reads the staff profile and the resident link
too, which are layers above the accounts. Every API request pays for this lookup, so it
is one hand-written query that loads the token, the user, the staff profile's role and
reach flags and the resident link together, built once from the models' metadata.
Through the ORM, compiling the same four-table ``select_related`` cost ten times more
than running it. Fields left out (the token's other columns, the staff member's phone,
the resident's personal data) are deferred: reading one loads it, as with ``only()``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from anju.accounts.models import ApiToken, User, hash_secret
from anju.estates.models import Resident
from anju.staff.models import StaffProfile

KEY_PREFIX = "anju_"
MAX_KEY_LENGTH = 100
# last_used_at is informational; writing it on every request would turn each read
# into a write, so it is refreshed at most this often.
LAST_USED_PRECISION = timedelta(minutes=1)

_TOKEN_FIELDS = ("id", "last_used_at")
_STAFF_FIELDS = ("id", "user", "role", "all_estates", "on_duty")
_RESIDENT_FIELDS = ("id", "user")


def user_for_api_key(raw: str, *, now: datetime | None = None) -> User | None:
    """The active user a live (unrevoked) key belongs to, or None."""
    if not raw or len(raw) > MAX_KEY_LENGTH or not raw.startswith(KEY_PREFIX):
        return None
    sql, parts = _lookup(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [hash_secret(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    token, user, staff, resident = _instances(row, parts)
    if not user.is_active:
        return None
    user._state.fields_cache["staff"] = staff  # None: "has no staff profile", no query
    user._state.fields_cache["resident"] = resident
    if staff is not None:
        staff._state.fields_cache["user"] = user
    if resident is not None:
        resident._state.fields_cache["user"] = user
    _touch(token, now or timezone.now())
    return user


# model, attnames loaded, optional (LEFT JOIN), and per column its field and value converters
Part = tuple[type[Model], list[str], bool, list[tuple[Any, list[Any]]]]


@cache
def _lookup(vendor: str) -> tuple[str, list[Part]]:
    q = connection.ops.quote_name
    parts: list[Part] = [
        _part(ApiToken, [ApiToken._meta.get_field(f) for f in _TOKEN_FIELDS], optional=False),
        _part(User, list(User._meta.concrete_fields), optional=False),
        _part(StaffProfile, [StaffProfile._meta.get_field(f) for f in _STAFF_FIELDS], optional=True),
        _part(Resident, [Resident._meta.get_field(f) for f in _RESIDENT_FIELDS], optional=True),
    ]
    aliases = ["t", "u", "s", "r"]
    columns = ", ".join(f"{alias}.{q(field.column)}"
                        for alias, part in zip(aliases, parts, strict=True) for field, _c in part[3])
    table = {alias: q(part[0]._meta.db_table) for alias, part in zip(aliases, parts, strict=True)}
    sql = (
        f"SELECT {columns} FROM {table['t']} t "  # noqa: S608 - names come from our models
        f"JOIN {table['u']} u ON u.{q('id')} = t.{q('user_id')} "
        f"LEFT JOIN {table['s']} s ON s.{q('user_id')} = u.{q('id')} "
        f"LEFT JOIN {table['r']} r ON r.{q('user_id')} = u.{q('id')} "
        f"WHERE t.{q('key_hash')} = %s AND t.{q('revoked_at')} IS NULL"
    )
    return sql, parts


def _part(model: type[Model], fields: list[Any], *, optional: bool) -> Part:
    """What the ORM would apply to each column: the backend's and the field's converters."""
    columns = []
    for field in fields:
        converters = list(connection.ops.get_db_converters(field.get_col(model._meta.db_table)))
        if hasattr(field, "from_db_value"):
            converters.append(field.from_db_value)
        columns.append((field, converters))
    return model, [field.attname for field in fields], optional, columns


def _instances(row: tuple[Any, ...], parts: list[Part]) -> list[Any]:
    instances: list[Any] = []
    start = 0
    for model, attnames, optional, columns in parts:
        values = row[start:start + len(attnames)]
        start += len(attnames)
        if optional and values[0] is None:
            instances.append(None)
            continue
        converted = []
        for (field, converters), value in zip(columns, values, strict=True):
            for converter in converters:
                value = converter(value, field, connection)
            converted.append(value)
        instances.append(model.from_db(connection.alias, attnames, converted))
    return instances


def _touch(token: ApiToken, now: datetime) -> None:
    last = token.last_used_at
    if last is not None and now - last < LAST_USED_PRECISION:
        return
    # Compare-and-set: when several workers see the same stale value only one writes.
    ApiToken.objects.filter(pk=token.pk, last_used_at=last).update(last_used_at=now)
