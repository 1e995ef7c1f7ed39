"""Independent read-only queries side by side, each on its own database connection.

A dashboard asks PostgreSQL several questions that do not depend on each other (the
counts, the percentiles, the reasons). One after the other they take the sum of their
times; side by side PostgreSQL answers them on separate cores and the page waits for the
slowest. ``together`` runs each call in a thread of its own with its own connection (Django
connections are per thread), carrying over the caller's language and time zone, and
closes those connections afterwards.

SQLite in WAL mode lets several connections read the file at once, and its module
releases the GIL while a query runs, so the same holds there. The calls run one after the
other instead inside a transaction, whose uncommitted rows other connections cannot see
(tests run inside one, so they take that path; the threaded path has its own tests with
committed rows), and on an in-memory SQLite database, which another connection would not
share.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone, translation


def runs_in_parallel(using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    if connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite":
        return not connection.is_in_memory_db()  # type: ignore[attr-defined]
    return connection.vendor == "postgresql"


def together(*calls: Callable[[], Any], using: str = DEFAULT_DB_ALIAS) -> list[Any]:
    """The results of ``calls``, in order; side by side where ``runs_in_parallel``."""
    if len(calls) < 2 or not runs_in_parallel(using):
        return [call() for call in calls]
    language = translation.get_language()
    zone = timezone.get_current_timezone()

    def in_thread(call: Callable[[], Any]) -> Any:
        try:
            with translation.override(language), timezone.override(zone):
                return call()
        finally:
            for connection in connections.all(initialized_only=True):
                connection.close()

    with ThreadPoolExecutor(max_workers=len(calls) - 1, thread_name_prefix="anju-query") as pool:
        futures = [pool.submit(in_thread, call) for call in calls[1:]]
        first = calls[0]()  # the caller's own connection takes one share of the work
        return [first, *(future.result() for future in futures)]
