"""After a run: is every acknowledged create stored exactly once, with its event and message?

Reads the tables directly (not through Django), so it checks what is really there.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

QUERIES = {
    "rows": "SELECT count(*) FROM complaints_complaint",
    "distinct": "SELECT count(DISTINCT number) FROM complaints_complaint",
    "received_events": "SELECT count(*) FROM complaints_complaintevent WHERE action = 'complaint.received'",
    "event_complaints": ("SELECT count(DISTINCT complaint_id) FROM complaints_complaintevent "
                         "WHERE action = 'complaint.received'"),
    "messages": "SELECT count(*) FROM notify_message WHERE kind = 'complaint.received'",
}


@dataclass(frozen=True)
class Check:
    acknowledged: int
    duplicate_acks: int  # numbers returned by more than one 201
    missing: int  # acknowledged but not stored
    unacknowledged: int  # stored but never acknowledged (e.g. the client gave up waiting)
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        c = self.counts
        return (self.duplicate_acks == 0 and self.missing == 0 and c["rows"] == c["distinct"]
                and c["received_events"] == c["event_complaints"] == c["rows"]
                and c["messages"] == c["rows"])

    def summary(self) -> str:
        c = self.counts
        verdict = "OK" if self.ok else "FAILED"
        return (f"{verdict}: {self.acknowledged} acknowledged creates, {c['rows']} rows, "
                f"{c['distinct']} distinct numbers, {self.duplicate_acks} numbers acknowledged twice, "
                f"{self.missing} acknowledged but missing, {self.unacknowledged} stored but not "
                f"acknowledged, {c['received_events']} received events, {c['messages']} outbox messages")


def check(acknowledged: list[str], *, sqlite_path: str | None = None,
          pg_conninfo: str | None = None) -> Check:
    if sqlite_path:
        conn = sqlite3.connect(sqlite_path)
    else:
        import psycopg

        conn = psycopg.connect(pg_conninfo)
    try:
        cur = conn.cursor()
        counts = {}
        for name, sql in QUERIES.items():
            cur.execute(sql)
            counts[name] = cur.fetchone()[0]
        cur.execute("SELECT number FROM complaints_complaint")
        stored = {row[0] for row in cur.fetchall()}
    finally:
        conn.close()
    acks = Counter(acknowledged)
    return Check(acknowledged=len(acknowledged),
                 duplicate_acks=sum(1 for n in acks.values() if n > 1),
                 missing=len(set(acks) - stored), unacknowledged=len(stored - set(acks)),
                 counts=counts)
