"""Database triggers that make the audit table append-only for every client, not just Django.

Installed by migration 0002. The migration calls ``install``/``remove`` from here, so if
this SQL ever changes, add a new migration that re-installs it.

The only code that lifts them is ``suspended``, used by ``anju flush`` (which empties the
whole database, audit log included, and is how the test runner resets it). An attacker
with the rights to drop triggers can of course do the same: the hash chain and the head
an administrator noted elsewhere (``anju audit head``) are what reveal that.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import migrations, transaction

TABLE = "audit_auditentry"

SQLITE_INSTALL = [
    f"""CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
]

POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION anju_audit_refuse_change() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
           RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP
               USING ERRCODE = 'restrict_violation';
       END
       $$""",
    f"""CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION anju_audit_refuse_change()""",
    f"""CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION anju_audit_refuse_change()""",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_entry_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS anju_audit_refuse_change()",
]

_SQL = {"sqlite": (SQLITE_INSTALL, SQLITE_REMOVE), "postgresql": (POSTGRES_INSTALL, POSTGRES_REMOVE)}


def _statements(connection: Any, index: int) -> list[str]:
    try:
        return _SQL[connection.vendor][index]
    except KeyError:
        raise NotImplementedError(
            f"The audit log has no append-only triggers for {connection.vendor}.") from None


def install(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, 0):
            cursor.execute(statement)


def remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, 1):
            cursor.execute(statement)


@contextmanager
def suspended(connection: Any) -> Iterator[None]:
    """Lift the triggers for the block, in one transaction: they are back when it ends."""
    with transaction.atomic(using=connection.alias):
        remove(connection)
        yield
        install(connection)


class VendorRunSQL(migrations.RunSQL):
    """``RunSQL`` that runs only on one database vendor (``sqlite``, ``postgresql``)."""

    def __init__(self, vendor: str, sql: Any, reverse_sql: Any = None, **kwargs: Any) -> None:
        super().__init__(sql, reverse_sql, **kwargs)
        self.vendor = vendor

    def deconstruct(self) -> tuple[str, Any, dict[str, Any]]:
        name, args, kwargs = super().deconstruct()
        return name, args, {"vendor": self.vendor, **kwargs}

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any,
                          to_state: Any) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any,
                           to_state: Any) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)
