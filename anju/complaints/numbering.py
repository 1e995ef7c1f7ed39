"""Readable complaint numbers: ``TS`` + local date + a daily sequence (TS202611280001).

The sequence is bumped by one upsert statement, which both SQLite (3.35+) and
PostgreSQL execute atomically, so concurrent intakes never receive the same number.
It runs in its own short transaction when called outside one, so the row lock is not
held while the complaint is written; a failed intake may leave a gap, never a duplicate.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from anju.complaints.models import DailySequence

PREFIX = "TS"
MIN_DIGITS = 4


def next_number(now: datetime | None = None) -> str:
    day = timezone.localdate(now or timezone.now())
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    sql = (
        f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608 - table name is ours
        f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [day])
        (last,) = cursor.fetchone()
    return f"{PREFIX}{day:%Y%m%d}{last:0{MIN_DIGITS}d}"
