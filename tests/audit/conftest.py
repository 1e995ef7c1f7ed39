"""Audit test helpers: reading the log, and an attacker who can write to the database."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from anju.audit import triggers
from anju.audit.models import AuditEntry


def entries(action: str | None = None, **filters) -> list[AuditEntry]:
    rows = AuditEntry.objects.order_by("seq").filter(**filters)
    return list(rows.filter(action=action) if action else rows)


def actions() -> list[str]:
    return [entry.action for entry in entries()]


def run_audit(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue().strip()


def raw(sql: str, params: tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def attacker(db):
    """Database access without the triggers, as someone who can drop them would have.

    The test's transaction rolls the dropped triggers back with everything else.
    """
    triggers.remove(connection)
    return raw
