"""SQLite writers queue on the backend's file lock instead of failing or polling."""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as PlainSQLite

from anju.lib.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backend only")


def _connect(cls, path, n):
    settings = {**connection.settings_dict, "NAME": str(path),
                # A busy handler that gives up after 50 ms: only the file lock can make
                # the second writer wait for a holder that keeps the lock for 300 ms.
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.05}}
    conn = cls(settings, alias=f"writer-{n}")
    with conn.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS t (who TEXT, at REAL)")
    return conn


def _write(conn, who, hold=0.0):
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (%s, %s)", [who, time.monotonic()])
        time.sleep(hold)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.set_autocommit(True)


def _race(cls, path):
    first, second = _connect(cls, path, 1), _connect(cls, path, 2)
    first.inc_thread_sharing()  # opened here, used by the holder thread
    started = threading.Event()
    outcome = {}

    def hold():
        first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with first.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES ('first', 0)")
        started.set()
        time.sleep(0.3)
        first.commit()
        first.set_autocommit(True)
        outcome["first_done"] = time.monotonic()

    holder = threading.Thread(target=hold)
    holder.start()
    assert started.wait(timeout=10), "the first writer never started"
    try:
        _write(second, "second")
        outcome["second_done"] = time.monotonic()
    except OperationalError as exc:
        outcome["error"] = str(exc)
    holder.join()
    first.dec_thread_sharing()
    first.close()
    second.close()
    return outcome


def test_a_second_writer_waits_for_the_first_instead_of_failing(db, tmp_path):
    outcome = _race(DatabaseWrapper, tmp_path / "queue.sqlite3")
    assert "error" not in outcome
    assert outcome["second_done"] >= outcome["first_done"]
    assert (tmp_path / "queue.sqlite3.writer-lock").exists()


def test_without_the_file_lock_the_same_race_fails(db, tmp_path):
    # The control: Django's own backend gives up after the busy timeout.
    outcome = _race(PlainSQLite, tmp_path / "plain.sqlite3")
    assert "locked" in outcome.get("error", "")


def test_the_project_uses_the_queuing_backend_for_sqlite():
    assert type(connections["default"]).__module__ == "anju.lib.sqlite.base"
