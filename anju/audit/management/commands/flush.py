"""``anju flush`` (Django's ``flush``) that can empty the append-only audit table too.

Flushing wipes the whole database by design, so it lifts the audit triggers for its own
transaction and puts them back. The test runner resets databases this way between
transactional tests.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from anju.audit import triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if triggers.TABLE not in connection.introspection.table_names():
            super().handle(**options)
            return
        with triggers.suspended(connection):
            super().handle(**options)
