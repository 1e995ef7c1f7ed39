"""SLA sweep benchmark: a no-op sweep over 1,000,000 open complaints, and 100,000 falling due at once.

    .venv/bin/python bench/sla.py            # 1,000,000 complaints, 100,000 due (several minutes)
    .venv/bin/python bench/sla.py --quick    # 100,000 complaints, 10,000 due

For each database (a fresh SQLite file; a fresh PostgreSQL database ``anju_bench_sla``
when one is reachable, or ``--pg URL``) a child process migrates, then generates the
open complaints and their pending SLA checkpoints set-based — one ``INSERT … SELECT``
over a recursive row series per table, inside the database — with the column values
Django would write for a template complaint. It then measures:

* ``no-op sweep``: ``anju.sla.sweep.sweep()`` when nothing is due (the median of 5);
* ``raise``: the breach checkpoints of the first K complaints are moved to "due now" and
  one sweep raises their warnings, writes the in-app messages to their handler and marks
  the checkpoints done;
* ``no-op after``: the sweep again, which must now find nothing.

The table is printed at the end; the very last line is
``sla no-op sweep 1M postgresql: <N> s`` (the figure at the full size).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/anju_bench_sla"
MARKS = ("50", "80", "breach")  # pending checkpoints per complaint (resolve target)


# --------------------------------------------------------------------------- child


def _insert_select(cursor, vendor: str, table: str, columns: list[str], exprs: list[str],
                   params: list, n: int) -> None:
    series = ("WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s) "
              if vendor == "sqlite" else "")
    source = "s" if vendor == "sqlite" else "generate_series(1, %s) AS s(g)"
    sql = (f"{series}INSERT INTO {table} ({', '.join(columns)}) "
           f"SELECT {', '.join(exprs)} FROM {source}")
    cursor.execute(sql, [n, *params] if vendor == "sqlite" else [*params, n])


def child(n: int, due: int) -> dict:
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from anju.complaints.models import Complaint, Status
    from anju.estates.models import Company, Estate
    from anju.sla.models import Checkpoint
    from anju.sla.sweep import sweep
    from anju.staff.models import Role, StaffProfile
    from anju.warnings.models import Warning

    call_command("migrate", verbosity=0, interactive=False)
    vendor = connection.vendor
    company = Company.objects.create(name="基准物业")
    estate = Estate.objects.create(company=company, code="bench", name="基准花园")
    from anju.accounts.models import User

    handler = User.objects.create_user(username="bench-handler", password=None, name="压测师傅")
    StaffProfile.objects.create(user=handler, role=Role.HANDLER).estates.set([estate])
    now = timezone.now()
    template = Complaint(number="X", channel="phone", estate=estate, description="压测投诉：楼道灯不亮",
                         status=Status.IN_PROGRESS, handler=handler, urgency="normal",
                         created_at=now - timedelta(hours=1), updated_at=now)
    fields = [f for f in Complaint._meta.concrete_fields if not f.primary_key]
    columns, exprs, params = [], [], []
    qn = connection.ops.quote_name
    for f in fields:
        columns.append(qn(f.column))
        if f.name == "number":
            exprs.append("'B' || CAST(g AS TEXT)")
        elif f.name == "resolve_due_at":
            exprs.append("%s")
            params.append(f.get_db_prep_save(now + timedelta(days=3), connection))
        else:
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(template, add=True), connection))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        _insert_select(cursor, vendor, qn(Complaint._meta.db_table), columns, exprs, params, n)
        first = Complaint.objects.order_by("pk").values_list("pk", flat=True).first()
        ct = qn(Checkpoint._meta.db_table)
        for i, mark in enumerate(MARKS):
            # Spread over the next three days: nothing is due yet.
            offset = "g * 0.2"
            due_expr = (f"CAST(%s AS timestamptz) + ({offset} + {i * 3600}) * interval '1 second'"
                        if vendor == "postgresql" else
                        f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, '+' || CAST({offset} + {i * 3600} AS TEXT) "
                        f"|| ' seconds')")
            _insert_select(cursor, vendor, ct,
                           ["complaint_id", "target", "mark", "due_at", "deadline", "done_at"],
                           ["g + %s - 1", "'resolve'", f"'{mark}'", due_expr, "%s", "NULL"],
                           [first, _ts(now + timedelta(minutes=5), vendor),
                            _ts(now + timedelta(days=3), vendor)], n)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    generate_s = time.perf_counter() - started
    pending = Checkpoint.objects.filter(done_at__isnull=True).count()

    def timed(fn) -> tuple[float, int]:
        t0 = time.perf_counter()
        result = fn()
        return time.perf_counter() - t0, result

    noop = []
    for _ in range(5):
        seconds, raised = timed(lambda: sweep(now=now))
        assert raised == 0, raised
        noop.append(seconds)
    # K complaints fall due at once: their breach checkpoints become due now.
    Checkpoint.objects.filter(mark="breach", complaint_id__lt=first + due).update(
        due_at=now - timedelta(seconds=1))
    raise_s, raised = timed(lambda: sweep(now=now))
    assert raised == due == Warning.objects.count(), (raised, due)
    after_s, again = timed(lambda: sweep(now=now))
    assert again == 0
    return {"database": vendor, "complaints": n, "checkpoints": pending, "generate_s": generate_s,
            "noop_s": statistics.median(noop), "due": due, "raise_s": raise_s, "noop_after_s": after_s}


def _ts(moment, vendor: str):
    if vendor == "postgresql":
        return moment
    return moment.astimezone(__import__("datetime").timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


# --------------------------------------------------------------------------- parent


def env_for(db_url: str, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": db_url, "ANJU_DATA_DIR": str(workdir), "ANJU_MEDIA_DIR": str(workdir / "media"),
        "DJANGO_SETTINGS_MODULE": "anju.settings", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO),
        "ANJU_DATA_KEYS": f"bench:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        "ANJU_INDEX_KEY": f"index:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        "SECRET_KEY": secrets.token_urlsafe(40),
    })
    return env


def pg_admin(url: str, sql: str) -> None:
    import psycopg
    from psycopg import sql as pgsql

    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(pgsql.SQL(sql).format(pgsql.Identifier(parts.path.lstrip("/"))))


def run_child(db_url: str, workdir: Path, n: int, due: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(n), str(due)],
                          env=env_for(db_url, workdir), cwd=workdir, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 complaints, 10,000 due")
    parser.add_argument("--n", type=int, help="open complaints (default 1,000,000; quick 100,000)")
    parser.add_argument("--due", type=int, help="complaints falling due at once (default n/10)")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", DEFAULT_PG))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    n = args.n or (100_000 if args.quick else 1_000_000)
    due = args.due or n // 10
    rows = []
    with tempfile.TemporaryDirectory(prefix="anju-sla-bench-") as tmp:
        workdir = Path(tmp)
        if not args.no_sqlite:
            rows.append(run_child(f"sqlite:///{workdir / 'bench.sqlite3'}", workdir, n, due))
        try:
            pg_admin(args.pg, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
            pg_admin(args.pg, "CREATE DATABASE {}")
        except Exception as exc:
            print(f"PostgreSQL not reachable ({exc}); SQLite only", file=sys.stderr)
        else:
            try:
                rows.append(run_child(args.pg, workdir, n, due))
            finally:
                pg_admin(args.pg, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    print(f"{'database':<11} {'complaints':>10} {'checkpoints':>11} {'generate s':>10} "
          f"{'no-op s':>8} {'due':>8} {'raise s':>8} {'no-op after s':>13}")
    for r in rows:
        print(f"{r['database']:<11} {r['complaints']:>10,} {r['checkpoints']:>11,} {r['generate_s']:>10.1f} "
              f"{r['noop_s']:>8.4f} {r['due']:>8,} {r['raise_s']:>8.2f} {r['noop_after_s']:>13.4f}")
    pg = next((r for r in rows if r["database"] == "postgresql"), None)
    if pg is None:
        print("sla no-op sweep 1M postgresql: n/a (PostgreSQL not reachable)")
    else:
        size = "1M" if pg["complaints"] == 1_000_000 else f"{pg['complaints']:,} (not 1M)"
        print(f"sla no-op sweep {size} postgresql: {pg['noop_s']:.4f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
