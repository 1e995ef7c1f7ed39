"""What the database holds about a complaint, to prove a refused write changed nothing."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection

from anju.complaints.models import Attachment, Complaint, ComplaintEvent, Supervision
from tests.access_matrix.cast import Cast

NUMBER = re.compile(r"TS\d{12,}")
FIELDS = ("status", "version", "updated_at", "handler_id", "department_id", "category_id",
          "urgency", "escalated", "merged_into_id", "satisfaction", "closed_at", "resolved_at")

# Positions in snapshot()["counts"]
EVENTS, ATTACHMENTS = 0, 2


def snapshot(complaint_id: int | None) -> dict[str, Any]:
    """The complaint's fields and trail, and the size of every table a write could touch."""
    row = (Complaint.objects.filter(pk=complaint_id).values(*FIELDS).first()
           if complaint_id else None)
    return {"complaint": row, "counts": _counts(complaint_id or 0)}


def _counts(complaint_id: int) -> tuple[int, ...]:
    """Rows of the complaint's trail, files and supervisions, and of those tables in all."""
    q = connection.ops.quote_name
    # Table and column names come from our models, never from input.
    tables = [q(model._meta.db_table) for model in (ComplaintEvent, Attachment, Supervision)]
    parts = []
    for table in tables:
        parts.append(f"(SELECT COUNT(*) FROM {table} WHERE {q('complaint_id')} = %s)")  # noqa: S608
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
    parts.append(f"(SELECT COUNT(*) FROM {q(Complaint._meta.db_table)})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), [complaint_id] * len(tables))
        return tuple(cursor.fetchone())


def last_event(complaint_id: int) -> str:
    event = ComplaintEvent.objects.filter(complaint_id=complaint_id).order_by("-id").first()
    return event.action if event else ""


def missing_number(cast: Cast) -> str:
    """A well-formed number of today that no complaint has."""
    number = cast.complaint("own", "received").number
    return number[:-4] + "9999"


def missing_attachment(cast: Cast) -> int:
    return max(t.attachments[s] for t in cast.targets.values() for s in t.attachments) + 1000


def numbers_in(text: str, prefix: str) -> set[str]:
    """Complaint numbers a page links to under ``prefix`` (e.g. /console/c/)."""
    return set(re.findall(re.escape(prefix) + r"(TS\d{12,})/", text))
