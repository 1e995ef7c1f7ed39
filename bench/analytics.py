"""Analytics benchmark (issue 7): dashboards, list and search, monthly report at 1,000,000 complaints.

    .venv/bin/python bench/analytics.py                # build 1M on SQLite and PostgreSQL, then measure
    .venv/bin/python bench/analytics.py --reuse        # measure the databases built by an earlier run
    .venv/bin/python bench/analytics.py --quick        # 100,000 complaints (its own databases)
    .venv/bin/python bench/analytics.py --reuse --explain   # also EXPLAIN ANALYZE the HQ queries (PostgreSQL)

The data (``bench/gen_complaints.py``) lives in ``bench/out/analytics-<n>/`` (the SQLite
file and the development keys that decrypt both databases) and in the PostgreSQL database
``anju_bench_analytics`` (``anju_bench_analytics_<n>`` for other sizes; ``--pg``).
``--reuse`` keeps a database whose recorded size matches and only migrates it, so new
indexes are applied. For each database a child process measures, each figure as the median
of ``--runs`` runs after one warm-up:

* ``baseline count(*)``: ``SELECT count(*)`` of the complaint table, the yardstick;
* dashboards, the metrics alone: ``anju.analytics.metrics.board`` with the page's charts,
  for headquarters (quality user, all estates, the default 30 days, and a 12-month period
  with ``--year``), an estate (its manager) and a department (its supervisor);
* dashboards through the views, when they exist (``/console/stats/``, ``…/estate/<id>/``,
  ``…/department/<id>/`` through Django's test client, signed in as quality): the response;
* the console list's first page (``/console/``) and searches (number, phone, words), and
  the API list (``/api/v1/complaints``) with and without a search;
* the monthly report PDF of the largest estate and of the company (``build_pdf``).

The table is printed at the end; the very last line is
``analytics hq dashboard 1M postgresql p50: <N> ms`` (the metrics of the HQ dashboard).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_complaints as gen  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/anju_bench_analytics"
# figure → target in ms per database (None: no target, for information)
TARGETS = {
    "dashboard": {"sqlite": 1000, "postgresql": 300},
    "list": {"sqlite": 100, "postgresql": 100},
    "report": {"sqlite": 30000, "postgresql": 30000},
}


# --------------------------------------------------------------------------- child


def timed(fn: Callable[[], Any], runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up: caches, plans, pages in memory
    samples, queries, sql_ms = [], 0, []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
        queries = len(captured.captured_queries)
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    return {"ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples),
            "queries": queries, "sql_ms": statistics.median(sql_ms)}


def dashboard(scope: Any, kind: str = "hq") -> Callable[[], Any]:
    """Every figure of a dashboard page: ``metrics.board`` with the page's charts."""
    from anju.analytics import metrics
    from anju.analytics.views import DIMENSIONS, HEATMAP_BUILDINGS

    def run() -> Any:
        return metrics.board(scope, "day", DIMENSIONS[kind], HEATMAP_BUILDINGS)

    return run


def per_call(scope: Any, runs: int) -> dict[str, float]:
    """The HQ dashboard's parts: the two summaries, the counts (one grouping-sets query on
    PostgreSQL) with their names, and the dissatisfaction reasons."""
    from anju.analytics import metrics
    from anju.analytics.views import DIMENSIONS

    sets = [("day",), *((by,) for by in DIMENSIONS["hq"]), ("root_cause",), metrics.HEATMAP_SET]

    def counts() -> Any:
        found = metrics.grouped_counts(scope, sets)
        return [found.labels(by) for by in DIMENSIONS["hq"]]

    parts = {"summaries": lambda: metrics.summaries(scope, [scope, scope.previous()]),
             "grouped counts + names": counts,
             "dissatisfaction": lambda: metrics.dissatisfaction(scope)}
    return {name: timed(fn, runs)["ms"] for name, fn in parts.items()}


def get(client: Any, url: str) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    return run


def explain(scope: Any, out: Path) -> None:
    """EXPLAIN ANALYZE every query of the HQ dashboard's metrics, slowest first, into ``out``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        dashboard(scope)()
    plans = []
    with connection.cursor() as cursor:
        for q in captured.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            plans.append((float(q["time"]), sql, plan))
    plans.sort(key=lambda p: -p[0])
    with out.open("w") as f:
        for seconds, sql, plan in plans:
            f.write(f"-- {seconds * 1000:.1f} ms\n{sql}\n{plan}\n\n")


def measure(runs: int, explain_to: str | None, year: bool) -> dict[str, Any]:
    from dataclasses import replace
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from anju.accounts.models import User
    from anju.analytics.scope import default_scope
    from anju.complaints.models import Complaint
    from anju.estates.models import Estate
    from anju.staff.models import Department

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    results: dict[str, Any] = {"database": connection.vendor, "complaints": Complaint.objects.count()}
    table = connection.ops.quote_name(Complaint._meta.db_table)

    def count_all() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            cursor.fetchone()

    figures: dict[str, Any] = {"baseline count(*)": timed(count_all, runs)}
    quality = User.objects.get(username="bench-quality")
    manager = User.objects.get(username="bench-manager")
    supervisor = User.objects.get(username="bench-supervisor")
    estate = Estate.objects.get(pk=manager.staff.estates.get().pk)
    engineering = Department.objects.get(code="engineering")
    hq = default_scope(quality)
    year_scope = replace(hq, start=hq.end - timedelta(days=364))
    scopes = {
        "hq dashboard (30 days)": (hq, "hq"),
        "estate dashboard (30 days)": (default_scope(manager, estate_ids=(estate.pk,)), "estate"),
        "department dashboard (30 days)": (default_scope(supervisor, department_ids=(engineering.pk,)),
                                           "department"),
    }
    for label, (scope, kind) in scopes.items():
        figures[label] = timed(dashboard(scope, kind), runs)
    if year:
        figures["hq dashboard (12 months)"] = timed(dashboard(year_scope), min(runs, 3))
    results["hq_calls"] = per_call(hq, runs)
    if explain_to and connection.vendor == "postgresql":
        explain(hq, Path(explain_to))

    client = Client()
    client.force_login(quality)
    views = {"hq view": "/console/stats/", "estate view": f"/console/stats/estate/{estate.pk}/",
             "department view": f"/console/stats/department/{engineering.pk}/"}
    if client.get("/console/stats/").status_code == 200:
        for label, url in views.items():
            figures[label] = timed(get(client, url), runs)
    else:
        results["notes"] = ["/console/stats/ does not answer 200 yet: the views were not timed."]
    latest = Complaint.objects.order_by("-created_at", "-id").values_list("number", flat=True).first()
    phone = "13800000123"  # a placeholder contact of the generator
    lists = {
        "console list page 1": "/console/",
        "console search number": f"/console/?q={latest}",
        "console search phone": f"/console/?q={phone}",
        "console search words": "/console/?q=漏水",
        "console filter estate+category": f"/console/?estate={estate.code}&category=repair",
        "api list page 1": "/api/v1/complaints?limit=20",
        "api search words": "/api/v1/complaints?limit=20&q=%E6%BC%8F%E6%B0%B4",
    }
    for label, url in lists.items():
        figures[label] = timed(get(client, url), runs)

    try:
        from anju.analytics.report.services import build_pdf
    except ImportError:
        results.setdefault("notes", []).append("anju.analytics.report is absent: the report was not timed.")
    else:
        month = (hq.end.replace(day=1) - timedelta(days=1)).replace(day=1)
        biggest = (Complaint.objects.values("estate").annotate(n=Count("id")).order_by("-n")
                   .values_list("estate", flat=True).first())
        big_estate = Estate.objects.get(pk=biggest)
        report_runs = max(1, min(runs, 3))
        figures["monthly report (largest estate)"] = timed(lambda: build_pdf(big_estate, month), report_runs)
        figures["monthly report (company)"] = timed(lambda: build_pdf(None, month), report_runs)
    results["figures"] = figures
    return results


def child(n: int, fresh: bool, runs: int, explain_to: str | None, year: bool) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    generated = gen.generate(n) if fresh else None
    return {**measure(runs, explain_to, year), "generated": generated}


# --------------------------------------------------------------------------- parent


def target_of(figure: str, vendor: str) -> int | None:
    if "dashboard" in figure or figure.endswith("view"):
        return TARGETS["dashboard"][vendor]
    if figure.startswith(("console", "api")):
        return TARGETS["list"][vendor]
    if figure.startswith("monthly report"):
        return TARGETS["report"][vendor]
    return None


def run_database(vendor: str, url: str, data_dir: Path, n: int, args: argparse.Namespace) -> dict[str, Any]:
    meta = data_dir / f"{vendor}.json"
    fresh = not (args.reuse and meta.exists() and json.loads(meta.read_text()).get("n") == n)
    if fresh:
        meta.unlink(missing_ok=True)
        gen.fresh_database(url)
    flags = ["--child", str(n), "--runs", str(args.runs)]
    if fresh:
        flags.append("--fresh")
    if args.year:
        flags.append("--year")
    if args.explain:
        flags += ["--explain-to", str(data_dir / f"explain-{vendor}.txt")]
    result = gen.run_child(flags, gen.env_for(url, data_dir), script=Path(__file__))
    if fresh:
        meta.write_text(json.dumps({"n": n, "url": url, "generated": result["generated"]}))
    return result


def print_table(rows: list[dict[str, Any]]) -> None:
    by_vendor = {r["database"]: r for r in rows}
    names: list[str] = []
    for r in rows:
        names += [k for k in r["figures"] if k not in names]
    base = {v: r["figures"]["baseline count(*)"]["ms"] for v, r in by_vendor.items()}
    head = f"{'figure':<34}"
    for v in ("sqlite", "postgresql"):
        if v in by_vendor:
            head += f" {v + ' ms':>14} {'×count':>7} {'queries':>7} {'target':>7} {'met':>4}"
    print(head)
    for name in names:
        line = f"{name:<34}"
        for v in ("sqlite", "postgresql"):
            if v not in by_vendor:
                continue
            fig = by_vendor[v]["figures"].get(name)
            if fig is None:
                line += f" {'-':>14} {'':>7} {'':>7} {'':>7} {'':>4}"
                continue
            target = target_of(name, v)
            met = "" if target is None else ("yes" if fig["ms"] < target else "NO")
            line += (f" {fig['ms']:>14,.1f} {fig['ms'] / max(base[v], 1e-6):>7.1f} {fig['queries']:>7} "
                     f"{'' if target is None else f'{target:,}':>7} {met:>4}")
        print(line)
    for r in rows:
        print(f"\n{r['database']}: {r['complaints']:,} complaints; "
              "HQ dashboard (30 days) per part, each run alone, ms:")
        print("  " + ", ".join(f"{k} {v:.1f}" for k, v in r["hq_calls"].items()))
        if r.get("generated"):
            g = r["generated"]
            print(f"  generated in {g['total_s']:.1f} s (complaints {g['complaints_s']:.1f} s, indexes "
                  f"{g.get('indexes_s', 0):.1f} s, surveys {g['surveys_s']:.1f} s, "
                  f"analyze {g['analyze_s']:.1f} s)")
        for note in r.get("notes", []):
            print(f"  note: {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 complaints")
    parser.add_argument("--n", type=int, help="complaints (default 1,000,000; --quick 100,000)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the databases of an earlier run of this size")
    parser.add_argument("--runs", type=int, default=7, help="measured runs per figure (median)")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG"),
                        help=f"PostgreSQL URL (default {DEFAULT_PG})")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--explain", action="store_true",
                        help="write EXPLAIN ANALYZE of the HQ queries to bench/out/analytics-<n>/")
    parser.add_argument("--year", action="store_true",
                        help="also time the HQ dashboard over 12 months (slow on SQLite)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--fresh", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--explain-to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.fresh, args.runs, args.explain_to, args.year), default=str))
        return 0
    n = args.n or (100_000 if args.quick else gen.DEFAULT_N)
    data_dir = (gen.OUT / f"analytics-{n}").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    pg = args.pg or (DEFAULT_PG if n == gen.DEFAULT_N else f"{DEFAULT_PG}_{n}")
    wanted = [d.strip() for d in args.databases.split(",") if d.strip()]
    rows = []
    if "sqlite" in wanted:
        rows.append(run_database("sqlite", f"sqlite:///{data_dir / 'complaints.sqlite3'}", data_dir, n, args))
    if "postgresql" in wanted:
        try:
            gen.pg_reachable(pg)
        except Exception as exc:
            print(f"PostgreSQL not reachable ({exc}); SQLite only", file=sys.stderr)
        else:
            rows.append(run_database("postgresql", pg, data_dir, n, args))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))
    print_table(rows)
    pg_row = next((r for r in rows if r["database"] == "postgresql"), None)
    if pg_row is None:
        print("analytics hq dashboard 1M postgresql p50: n/a (PostgreSQL not measured)")
    else:
        size = "1M" if pg_row["complaints"] == gen.DEFAULT_N else f"{pg_row['complaints']:,} (not 1M)"
        ms = pg_row["figures"]["hq dashboard (30 days)"]["ms"]
        print(f"analytics hq dashboard {size} postgresql p50: {ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
