"""Intake benchmark: complaints created per second over HTTP, against gunicorn.

    .venv/bin/python bench/intake.py            # full run, a few minutes
    .venv/bin/python bench/intake.py --quick    # under a minute

For each database (a fresh SQLite file; a fresh PostgreSQL database when one is
reachable) it measures the raw INSERT rate from Python as a reference, migrates,
creates an estate, an agent and an API token through Django, starts gunicorn with
``anju.wsgi:application`` in the production profile, and drives
``POST /api/v1/complaints`` at each concurrency level from separate client processes.
Afterwards it checks that every acknowledged create is stored exactly once. See
bench/README.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import urlparse

import loadgen
import procstat
import rawinsert
import verify
from server import Gunicorn, default_workers

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/anju_bench"


@dataclass
class Level:
    database: str
    concurrency: int
    creates_per_s: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    requests: int = 0
    raw_insert_per_s: float = 0.0
    app_cpu_ms: float = 0.0  # gunicorn workers' CPU per create in the window
    db_cpu_ms: float = 0.0  # PostgreSQL processes' CPU per create (SQLite runs inside the workers)
    client_cpu_ms: float = 0.0  # load generator CPU per request
    machine_busy: float = 0.0  # share of all cores busy during the window
    other_busy: float = 0.0  # of which not explained by app, database and client (other processes)

    @property
    def cpu_bound(self) -> float:
        """Creates/s if all cores did nothing else: cores × 1000 / CPU ms per create."""
        spent = self.app_cpu_ms + self.db_cpu_ms + self.client_cpu_ms
        return (os.cpu_count() or 1) * 1000 / spent if spent else 0.0

    @property
    def ratio(self) -> float:
        return self.creates_per_s / self.raw_insert_per_s if self.raw_insert_per_s else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --------------------------------------------------------------------------- databases


class SQLiteDB:
    name = "sqlite"

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "anju.sqlite3"
        self.url = f"sqlite:///{self.path}"
        self.workdir = workdir

    def prepare(self) -> None:
        pass  # a new file in a new folder

    def raw_rates(self, seconds: float) -> rawinsert.RawRates:
        return rawinsert.sqlite_rates(str(self.workdir / "raw.sqlite3"), seconds)

    def pids(self) -> list[int]:
        return []  # SQLite works inside the gunicorn workers

    def check(self, numbers: list[str]) -> verify.Check:
        return verify.check(numbers, sqlite_path=str(self.path))

    def drop(self) -> None:
        pass


class PostgresDB:
    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlparse(url)
        self.dbname = parts.path.lstrip("/") or "anju_bench"
        self.conninfo = url
        self.admin = parts._replace(path="/postgres").geturl()

    def reachable(self) -> str | None:
        import psycopg

        try:
            psycopg.connect(self.admin, connect_timeout=3).close()
        except psycopg.Error as exc:
            return str(exc).strip().splitlines()[0]
        return None

    def _admin(self, sql: str) -> None:
        import psycopg
        from psycopg import sql as pgsql

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(pgsql.SQL(sql).format(pgsql.Identifier(self.dbname)))

    def prepare(self) -> None:
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self._admin("CREATE DATABASE {}")

    def raw_rates(self, seconds: float) -> rawinsert.RawRates:
        return rawinsert.postgres_rates(self.conninfo, seconds)

    def pids(self) -> list[int]:
        return procstat.postgres_pids(self.dbname)

    def check(self, numbers: list[str]) -> verify.Check:
        return verify.check(numbers, pg_conninfo=self.conninfo)

    def drop(self) -> None:
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")


# --------------------------------------------------------------------------- one database


def parse_overrides(items: list[str]) -> dict[str, object]:
    """``NAME=VALUE`` database options: integers, true/false/none, JSON objects, else strings."""
    overrides: dict[str, object] = {}
    for item in items:
        name, _, raw = item.partition("=")
        value: object = {"true": True, "false": False, "none": None}.get(raw.lower(), raw)
        if raw.lstrip("-").isdigit():
            value = int(raw)
        elif raw.startswith("{"):
            value = json.loads(raw)
        overrides[name.strip().upper()] = value
    return overrides


def app_env(db_url: str, workdir: Path, overrides: dict[str, object] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "ANJU_ENV": "production", "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": db_url, "ANJU_DATA_DIR": str(workdir), "ANJU_MEDIA_DIR": str(workdir / "media"),
        "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "anju.settings",
        # Production refuses to start without the personal-data keys (anju/privacy/keys.py).
        "ANJU_DATA_KEYS": f"bench:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        "ANJU_INDEX_KEY": f"index:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        # One integration key sends every create: lift its rate limit out of the way.
        "ANJU_RATE_API_TOKEN": "100000000/minute",
        "PYTHONPATH": str(REPO),
    })
    if overrides:
        env["DJANGO_SETTINGS_MODULE"] = "variant_settings"
        env["BENCH_DB_OVERRIDES"] = json.dumps(overrides)
        env["PYTHONPATH"] = f"{REPO}{os.pathsep}{HERE}"
    return env


def django_setup(env: dict[str, str], workdir: Path) -> dict[str, str]:
    done = subprocess.run([sys.executable, str(HERE / "django_setup.py"), "setup"], env=env,
                          cwd=workdir, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"setting up the data failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def probe(target: loadgen.Target) -> tuple[list[str], str | None]:
    """One create before measuring: (its number, None) when it worked, else ([], why not)."""
    conn = http.client.HTTPConnection(target.host, target.port, timeout=60)
    try:
        _status, number, error = loadgen.post_once(conn, target, worker=10**6, seq=1)
    finally:
        conn.close()
    return ([number], None) if number else ([], error)


def wait_quiet(limit: float, threshold: float = 0.2) -> None:
    """Wait up to ``limit`` seconds until other processes leave the cores mostly idle."""
    if limit <= 0:
        return
    started = time.monotonic()
    while True:
        busy0, total0 = procstat.machine_ticks()
        time.sleep(1.5)
        busy1, total1 = procstat.machine_ticks()
        busy = (busy1 - busy0) / max(1, total1 - total0)
        waited = time.monotonic() - started
        if busy < threshold or waited >= limit:
            if waited > 2:
                print(f"    (waited {waited:.0f} s for the machine to quiet down; busy {busy:.0%})",
                      flush=True)
            return


def run_level(db, server: Gunicorn, target: loadgen.Target, concurrency: int, args, offset: int,
              warmup: float | None = None,
              duration: float | None = None) -> tuple[Level, list[str], list[str]]:
    warmup = args.warmup if warmup is None else warmup
    duration = args.duration if duration is None else duration
    wait_quiet(args.wait_quiet)
    start_at = time.time() + 0.3  # time for the client processes to start
    measure_from = start_at + warmup
    end_at = measure_from + duration
    pool, pending = loadgen.start(target, concurrency, args.client_processes, start_at, end_at, offset)

    def sample() -> tuple[float, float, tuple[int, int]]:
        return (procstat.cpu_seconds(server.worker_pids()), procstat.cpu_seconds(db.pids()),
                procstat.machine_ticks())

    time.sleep(max(0.0, measure_from - time.time()))
    app0, db0, (busy0, total0) = sample()
    time.sleep(max(0.0, end_at - time.time()))
    app1, db1, (busy1, total1) = sample()
    results = pending.get()
    pool.join()

    level = Level(db.name, concurrency)
    in_window, numbers, errors, client_cpu = [], [], [], 0.0
    for r in results:
        numbers += r.numbers
        errors += r.errors
        client_cpu += r.cpu_seconds
        level.requests += len(r.statuses)
        level.errors += sum(1 for s in r.statuses if s != target.expect)
        in_window += [lat for began, lat, status in zip(r.starts, r.latencies, r.statuses, strict=True)
                      if status == target.expect and measure_from <= began + lat < end_at]
    done = len(in_window)
    level.creates_per_s = done / duration
    level.p50_ms = percentile(in_window, 0.50) * 1000
    level.p99_ms = percentile(in_window, 0.99) * 1000
    level.app_cpu_ms = (app1 - app0) * 1000 / done if done else 0.0
    level.db_cpu_ms = (db1 - db0) * 1000 / done if done else 0.0
    level.client_cpu_ms = client_cpu * 1000 / level.requests if level.requests else 0.0
    level.machine_busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
    cores = os.cpu_count() or 1
    ours = ((app1 - app0) + (db1 - db0) + client_cpu * duration / (duration + warmup)) / duration / cores
    level.other_busy = max(0.0, level.machine_busy - ours)
    return level, numbers, errors


def bench_database(db, args, workdir: Path) -> tuple[list[Level], str | None, bool]:
    """(levels, why the HTTP part was skipped or None, verification passed)."""
    db.prepare()
    raw = db.raw_rates(args.raw_seconds)
    print(f"[{db.name}] raw INSERT from Python: {raw.single_row:,.0f} single-row commits/s, "
          f"{raw.two_row_tx:,.0f} two-row transactions/s", flush=True)
    env = app_env(db.url, workdir, parse_overrides(args.db))
    started = time.monotonic()
    data = django_setup(env, workdir)
    print(f"[{db.name}] migrated and set up in {time.monotonic() - started:.1f} s", flush=True)

    server = Gunicorn(env, workdir, workers=args.workers, threads=args.threads,
                      access_log=not args.no_access_log)
    levels: list[Level] = []
    acknowledged: list[str] = []
    try:
        server.wait_ready()
        target = loadgen.Target("127.0.0.1", server.port, args.path, data["key"], data["estate"])
        acknowledged, why = probe(target)
        if why:
            return [], f"POST {args.path} does not create yet ({why})", True
        # Each worker's first requests load code and translations: not part of any figure.
        _level, numbers, _errors = run_level(db, server, target, 2 * args.workers, args, offset=800_000,
                                             warmup=0, duration=args.warmup_all)
        acknowledged += numbers
        if args.floor:
            floor = replace(target, path="/api/v1/bench-floor", method="GET", expect=404)
            level, _numbers, errors = run_level(db, server, floor, 8, args, offset=900_000)
            level.database = f"{db.name}:floor"
            levels.append(level)
            print(f"[{db.name}] floor, c=8 GET of an unknown route (JSON 404, no database): "
                  f"{level.creates_per_s:,.0f} requests/s, p50 {level.p50_ms:.1f} ms, "
                  f"p99 {level.p99_ms:.1f} ms", flush=True)
        for i, concurrency in enumerate(args.concurrency):
            level, numbers, errors = run_level(db, server, target, concurrency, args, offset=i * 1000)
            level.raw_insert_per_s = raw.single_row
            levels.append(level)
            acknowledged += numbers
            print(f"[{db.name}] c={concurrency}: {level.creates_per_s:,.0f} creates/s, "
                  f"p50 {level.p50_ms:.1f} ms, p99 {level.p99_ms:.1f} ms, {level.errors} errors", flush=True)
            for error in errors[:3]:
                print(f"    error sample: {error}", flush=True)
    finally:
        server.stop()
    checked = db.check(acknowledged)
    ok = checked.ok
    print(f"[{db.name}] verification {checked.summary()}", flush=True)
    return levels, None, ok


# --------------------------------------------------------------------------- report


def print_table(levels: list[Level]) -> None:
    head = (f"{'database':<14}{'c':>4}{'creates/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
            f"{'raw ins/s':>11}{'ratio':>7}{'app ms':>8}{'db ms':>7}{'client ms':>10}{'busy':>6}"
            f"{'other':>7}{'cpu-bound/s':>13}")
    print()
    print(head)
    print("-" * len(head))
    for lv in levels:
        print(f"{lv.database:<14}{lv.concurrency:>4}{lv.creates_per_s:>11,.0f}{lv.p50_ms:>9.1f}"
              f"{lv.p99_ms:>9.1f}{lv.errors:>8}{lv.raw_insert_per_s:>11,.0f}{lv.ratio:>7.1%}"
              f"{lv.app_cpu_ms:>8.2f}{lv.db_cpu_ms:>7.2f}{lv.client_cpu_ms:>10.2f}{lv.machine_busy:>6.0%}"
              f"{lv.other_busy:>7.0%}{lv.cpu_bound:>13,.0f}")
    print("floor: GETs of an unknown route (a JSON 404 without database or auth), the HTTP stack's own "
          "ceiling.")
    print("ratio: creates/s as a share of the raw single-row INSERT rate. app/db ms: CPU per create "
          "in the gunicorn workers / PostgreSQL processes; client ms: load generator CPU per request; "
          "busy: share of all cores in use; other: busy time not ours (other processes on the machine); "
          "cpu-bound/s: cores × 1000 / (app + db + client ms), the rate an otherwise idle machine "
          "would reach if CPU is the limit.")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="short windows: the whole run in under a minute")
    p.add_argument("--duration", type=float, help="measured seconds per level (default 15, quick 2)")
    p.add_argument("--warmup", type=float, help="unmeasured seconds before each level (default 2, quick 0.5)")
    p.add_argument("--warmup-all", type=float,
                   help="seconds of creates at 2 × workers before any measurement (default 3, quick 1.5)")
    p.add_argument("--raw-seconds", type=float, help="seconds per raw INSERT figure (default 3, quick 1)")
    p.add_argument("--concurrency", default="1,8,32", help="comma-separated client counts (default 1,8,32)")
    p.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    p.add_argument("--pg-url", default=os.environ.get("ANJU_BENCH_POSTGRES", DEFAULT_PG),
                   help="PostgreSQL database to drop and create (default %(default)s)")
    p.add_argument("--workers", type=int, default=default_workers(),
                   help="gunicorn workers (default 2 × cores + 1, at most 8: %(default)s)")
    p.add_argument("--threads", type=int, default=1, help="threads per worker (1: sync workers)")
    p.add_argument("--client-processes", type=int, default=2, help="load generator processes (default 2)")
    p.add_argument("--path", default="/api/v1/complaints", help="the create endpoint")
    p.add_argument("--no-access-log", action="store_true", help="run gunicorn without its access log")
    p.add_argument("--db", action="append", default=[], metavar="NAME=VALUE",
                   help="override a DATABASES option to try a change, e.g. CONN_MAX_AGE=60 (repeatable)")
    p.add_argument("--floor", action=argparse.BooleanOptionalAction, default=True,
                   help="also measure the HTTP floor: c=8 GETs of an unknown route (default on)")
    p.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                   help="before each level wait up to this long for the machine to be idle (default 0)")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder and the database")
    args = p.parse_args(argv)
    args.duration = args.duration or (2.0 if args.quick else 15.0)
    args.warmup = args.warmup if args.warmup is not None else (0.5 if args.quick else 2.0)
    args.raw_seconds = args.raw_seconds or (1.0 if args.quick else 3.0)
    args.warmup_all = args.warmup_all if args.warmup_all is not None else (1.5 if args.quick else 3.0)
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cores = os.cpu_count() or 1
    print(f"Anju intake benchmark: {cores} cores shared by the load generator "
          f"({args.client_processes} processes), gunicorn ({args.workers} workers × {args.threads} "
          f"thread{'s' if args.threads > 1 else ''}) and the database; {args.duration:g} s per level "
          f"after {args.warmup:g} s warm-up.", flush=True)
    if args.db:
        print(f"Database options overridden: {parse_overrides(args.db)}", flush=True)
    if cores <= 2:
        print("Note: with so few cores the client and the database take CPU from the server; the "
              "'busy' and CPU-per-create columns show how much.", flush=True)
    all_levels: list[Level] = []
    skipped: dict[str, str] = {}
    failed = False
    for name in args.databases:
        workdir = Path(tempfile.mkdtemp(prefix=f"anju-bench-{name}-"))
        db = SQLiteDB(workdir) if name == "sqlite" else PostgresDB(args.pg_url)
        if isinstance(db, PostgresDB) and (why := db.reachable()):
            skipped[name] = f"PostgreSQL unreachable at {args.pg_url}: {why}"
            print(f"[{name}] skipped: {skipped[name]}", flush=True)
            continue
        try:
            levels, why, ok = bench_database(db, args, workdir)
        finally:
            if not args.keep:
                db.drop()
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                print(f"[{name}] kept {workdir}", flush=True)
        if why:
            skipped[name] = why
            print(f"[{name}] HTTP part skipped: {why}", flush=True)
        all_levels += levels
        failed |= not ok

    print_table(all_levels)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(lv) | {"ratio": lv.ratio, "cpu_bound": lv.cpu_bound}
                                               for lv in all_levels],
                                              indent=2))
    if failed:
        print("VERIFICATION FAILED: see the lines above.")
    pg8 = next((lv for lv in all_levels if lv.database == "postgresql" and lv.concurrency == 8), None)
    if pg8 is None:
        print(f"intake c=8 postgresql: skipped ({skipped.get('postgresql', 'not measured')})")
    else:
        print(f"intake c=8 postgresql: {pg8.creates_per_s:.0f} complaints/s, p99 {pg8.p99_ms:.0f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
