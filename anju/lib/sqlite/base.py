"""Django's SQLite backend, with writers queuing on a file lock instead of polling.

SQLite lets one writer in at a time. With ``BEGIN IMMEDIATE`` a second writer waits in
SQLite's busy handler, which sleeps and retries (1, 2, 5, … up to 100 ms between tries):
under concurrent intake the lock is often free long before the waiter looks again, so
the cores idle and the slowest requests wait 100 ms for nothing. Here every transaction
first takes an exclusive ``flock`` on ``<database>.writer-lock``; the kernel wakes the
next waiter the moment the holder commits, and SQLite's own lock is then free at once.
Processes that do not use this backend (the ``sqlite3`` shell) still meet the busy
handler, as before. In-memory databases (tests) need no lock.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_lock_fd: int | None = None
        self._writer_lock_held = False

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer_lock()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer_lock()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_writer_lock()
            if self._writer_lock_fd is not None:
                os.close(self._writer_lock_fd)
                self._writer_lock_fd = None

    def _take_writer_lock(self) -> None:
        mode = getattr(self, "transaction_mode", None)
        if self._writer_lock_held or mode is None or self.is_in_memory_db():
            return
        if self._writer_lock_fd is None:
            path = f"{self.settings_dict['NAME']}.writer-lock"
            self._writer_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._writer_lock_fd, fcntl.LOCK_EX)
        self._writer_lock_held = True

    def _release_writer_lock(self) -> None:
        if self._writer_lock_held and self._writer_lock_fd is not None:
            fcntl.flock(self._writer_lock_fd, fcntl.LOCK_UN)
        self._writer_lock_held = False
