"""The reference: how fast the same database takes plain INSERTs from Python.

Two figures per database, each from one connection for a fixed time:

* single-row INSERT, autocommit: one statement and one commit per row;
* a two-row transaction: BEGIN, two INSERTs, COMMIT (closer to what an intake needs).

SQLite uses the pragmas the application uses (WAL, synchronous=NORMAL); PostgreSQL the
server's own settings (synchronous_commit as configured).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

TABLE_SQL = "CREATE TABLE bench_raw (id {pk}, payload TEXT NOT NULL, created_at TEXT NOT NULL)"
PAYLOAD = "楼道灯坏了，晚上很黑，请尽快修理" * 4


@dataclass(frozen=True)
class RawRates:
    single_row: float  # committed single-row INSERTs per second
    two_row_tx: float  # committed two-row transactions per second


def _loop(seconds: float, step) -> float:
    done = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            step()
        done += 50
        now = time.perf_counter()
        if now >= deadline:
            return done / (now - start)


def sqlite_rates(path: str, seconds: float) -> RawRates:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute(TABLE_SQL.format(pk="INTEGER PRIMARY KEY"))
        insert = "INSERT INTO bench_raw (payload, created_at) VALUES (?, datetime('now'))"

        def single() -> None:
            conn.execute(insert, (PAYLOAD,))

        def pair() -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(insert, (PAYLOAD,))
            conn.execute(insert, (PAYLOAD,))
            conn.execute("COMMIT")

        rates = RawRates(_loop(seconds, single), _loop(seconds, pair))
        conn.execute("DROP TABLE bench_raw")
        return rates
    finally:
        conn.close()


def postgres_rates(conninfo: str, seconds: float) -> RawRates:
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute(TABLE_SQL.format(pk="BIGSERIAL PRIMARY KEY"))
        insert = "INSERT INTO bench_raw (payload, created_at) VALUES (%s, now())"
        cur = conn.cursor()

        def single() -> None:
            cur.execute(insert, (PAYLOAD,))

        def pair() -> None:
            with conn.transaction():
                cur.execute(insert, (PAYLOAD,))
                cur.execute(insert, (PAYLOAD,))

        rates = RawRates(_loop(seconds, single), _loop(seconds, pair))
        conn.execute("DROP TABLE bench_raw")
        return rates
