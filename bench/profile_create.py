"""Where one create's time goes, measured in-process through the WSGI application.

    .venv/bin/python bench/profile_create.py                       # SQLite, stage breakdown
    .venv/bin/python bench/profile_create.py --database postgresql
    .venv/bin/python bench/profile_create.py --profiler pyinstrument   # needs pyinstrument

Calls ``anju.wsgi.application`` directly (no gunicorn, no sockets, one thread) with
the production settings, so the figures are the application's own cost per request.
The stage breakdown wraps a few functions with timers; stages nest (the service
contains numbering, inserts and commit), so the "own" column subtracts the inner ones.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from intake import DEFAULT_PG, PostgresDB, app_env, parse_overrides

TIMES: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])  # label: [wall, cpu]
STACK: list[list[float]] = []


def timed(label: str, fn: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        STACK.append([0.0, 0.0])
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            inner = STACK.pop()
            own = TIMES[label]
            own[0] += wall - inner[0]  # own time only
            own[1] += cpu - inner[1]
            if STACK:
                STACK[-1][0] += wall
                STACK[-1][1] += cpu

    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper


def install_timers() -> None:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import Model
    from ninja.operation import Operation

    import anju.api.auth as api_auth
    import anju.api.complaints as api_complaints
    from anju.api import present, urls
    from anju.complaints import feedback, numbering, services

    api_auth.user_for_api_key = timed("auth: token → user (1 SELECT, maybe 1 UPDATE)",
                                      api_auth.user_for_api_key)
    api_complaints._estate = timed("view: estate lookup", api_complaints._estate)
    api_complaints._category = timed("view: category lookup", api_complaints._category)
    services.complaint_create = timed("service: validation and the rest", services.complaint_create)
    services._check_intake_actor = timed("service: actor's reach (role, estates)",
                                         services._check_intake_actor)
    numbering.next_number = timed("numbering (upsert + its commit)", numbering.next_number)
    services._append_event = timed("insert: event", services._append_event)
    feedback.tell_complainant = timed("insert: outbox message (incl. text)", feedback.tell_complainant)
    present.created = timed("serialise: output dict", present.created)
    urls.Renderer.render = timed("serialise: JSON render", urls.Renderer.render)
    Operation._get_values = timed("ninja: parse + validate input", Operation._get_values)
    Model.save = _save_timer(Model.save)
    BaseDatabaseWrapper.commit = timed("commit", BaseDatabaseWrapper.commit)


def _save_timer(save: Any) -> Any:
    plain = timed("insert: complaint row", save)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if type(self).__name__ == "Complaint":
            return plain(self, *args, **kwargs)
        return save(self, *args, **kwargs)

    return wrapper


def environ(path: str, body: bytes, key: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT": "application/json",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "wsgi.version": (1, 0),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--pg-url", default=DEFAULT_PG.replace("anju_bench", "anju_bench_profile"))
    p.add_argument("-n", type=int, default=500, help="creates to measure (after 50 warm-up)")
    p.add_argument("--profiler", choices=["stages", "pyinstrument", "cprofile", "none"], default="stages")
    p.add_argument("--queries", action="store_true", help="print the SQL of one create")
    p.add_argument("--db", action="append", default=[], metavar="NAME=VALUE",
                   help="override a DATABASES option, e.g. CONN_MAX_AGE=60 (repeatable)")
    args = p.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="anju-profile-"))
    pg = None
    url = f"sqlite:///{workdir / 'anju.sqlite3'}"
    if args.database == "postgresql":
        pg = PostgresDB(args.pg_url)
        pg.prepare()
        url = args.pg_url
    os.environ.update(app_env(url, workdir, parse_overrides(args.db)))
    try:
        return run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if pg is not None:
            from django.db import connections

            connections.close_all()
            pg.drop()


def run(args: argparse.Namespace, workdir: Path) -> int:
    import django_setup

    data = django_setup.setup()
    from anju.wsgi import application

    def create(i: int) -> None:
        body = json.dumps({"estate": data["estate"], "channel": "phone", "category": "repair",
                           "description": f"压测投诉 {i}：楼道灯坏了，晚上很黑，请尽快修理。",
                           "contact_phone": f"138{i:08d}"}, ensure_ascii=False).encode()
        status: list[str] = []
        response = application(environ("/api/v1/complaints", body, data["key"]),
                               lambda s, h, exc_info=None: status.append(s))
        b"".join(response)
        response.close()  # runs request_finished: closes the connection when CONN_MAX_AGE=0
        if not status[0].startswith("201"):
            raise SystemExit(f"create failed: {status[0]}")

    for i in range(50):
        create(i)
    floor = _floor(application)
    if args.queries:
        _print_queries(create)
    if args.profiler == "stages":
        install_timers()
    profiler = _profiler(args.profiler)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i in range(50, 50 + args.n):
        create(i)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if profiler is not None:
        profiler.stop()
    print(f"{args.database}: {args.n} creates in-process, {wall * 1000 / args.n:.2f} ms wall, "
          f"{cpu * 1000 / args.n:.2f} ms CPU per create ({args.n / wall:.0f}/s on one thread)")
    print(f"for comparison, per request: unknown route (JSON 404, no database) {floor[0]:.2f} ms, "
          f"GET /api/v1/me with the same key (auth + profile) {floor[1]:.2f} ms")
    if args.profiler == "stages":
        _print_stages(wall, cpu, args.n)
    elif profiler is not None:
        _print_profile(args.profiler, profiler)
    return 0


def _floor(application: Any, n: int = 300) -> tuple[float, float]:
    """CPU ms per request of the cheapest JSON answer and of an authenticated read."""
    from django_setup import Token

    results = []
    for path, key in (("/api/v1/no-such-route", ""), ("/api/v1/me", Token.key)):
        start = time.process_time()
        for _ in range(n):
            env = environ(path, b"", key) | {"REQUEST_METHOD": "GET", "CONTENT_LENGTH": "0"}
            response = application(env, lambda s, h, exc_info=None: None)
            b"".join(response)
            response.close()
        results.append((time.process_time() - start) * 1000 / n)
    return results[0], results[1]


def _print_queries(create: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        create(10**6)
    print(f"{len(captured.captured_queries)} statements in one create:")
    for q in captured.captured_queries:
        print(f"  {q['time']:>6}s  {q['sql'][:150]}")


def _profiler(kind: str) -> Any:
    if kind == "pyinstrument":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        return profiler
    if kind == "cprofile":
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        profiler.stop = profiler.disable  # type: ignore[attr-defined]
        return profiler
    return None


def _print_profile(kind: str, profiler: Any) -> None:
    if kind == "pyinstrument":
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    else:
        import pstats

        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(
            os.environ.get("BENCH_FILTER", ""), 45)


def _print_stages(wall: float, cpu: float, n: int) -> None:
    rows = sorted(TIMES.items(), key=lambda kv: -kv[1][1])
    rest = [wall - sum(t[0] for t in TIMES.values()), cpu - sum(t[1] for t in TIMES.values())]
    rows.append(("the rest: WSGI, middleware, URL routing, ninja's dispatch", rest))
    print(f"\n{'stage (own time, excluding nested stages)':<62}{'wall ms':>9}{'CPU ms':>8}{'CPU share':>10}")
    for label, (w, c) in rows:
        print(f"{label:<62}{w * 1000 / n:>9.3f}{c * 1000 / n:>8.3f}{c / cpu:>10.0%}")
    print("(wall minus CPU is mostly waiting for the database: round trips, PostgreSQL's work, fsync)")


if __name__ == "__main__":
    sys.exit(main())
