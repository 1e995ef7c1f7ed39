"""Where a follow-up's time goes: ``anju.bus.runner.drain`` over a backlog, in one process.

    .venv/bin/python bench/profile_drain.py                  # 2,000 complaints, stage breakdown
    .venv/bin/python bench/profile_drain.py -n 1000 --profiler cprofile

Creates a fresh PostgreSQL database (``--pg-url``, dropped afterwards), migrates it and
files ``-n`` complaints through the service (no worker running: their deliveries wait),
one in ten of them urgent, in the production settings. Then it drains the whole backlog
in this process, on one thread, with either a stage breakdown or cProfile, and prints
wall and CPU time per delivery and per complaint, plus the CPU PostgreSQL spent; last,
it sends the acknowledgments the complaints queued the way the worker does and times
that too.

The stages: the claim (one transaction per batch of 20: SELECT … FOR UPDATE SKIP
LOCKED, UPDATE, SELECT), loading the batch's events, each subscriber (its own
statements included), marking the delivery done, the commit of each delivery's
transaction, and the runner's own Python (``process``: the atomic block, the copy of
the event, lookups, logging). The "statements" column counts SQL statements per delivery of that stage.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import procstat
from intake import DEFAULT_PG, PostgresDB, app_env

TEXTS = [
    "楼道灯坏了，晚上很黑，请尽快修理。", "卫生间天花板漏水，已经滴了两天了。",
    "小区垃圾两天没有清运，味道很大。", "楼上装修噪音太大，中午也不停。",
    "地下车库我的车位被别人占了。", "单元门禁坏了，外人随便进出。",
    "绿化带杂草太多，蚊子很多。", "电梯按钮失灵，按了没反应。",
    "小区大门的道闸抬杆很慢，车辆排队。", "楼下有人遛狗不牵绳，孩子被吓到。",
]
URGENT_TEXTS = ["3栋2单元电梯困人了，里面有老人，快来人！", "厨房闻到很重的燃气泄漏味道，请马上来处理。"]

STATS: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # label: [wall, cpu, statements]
STACK: list[list[float]] = []  # per open stage: [inner wall, inner cpu]
LABELS: list[str] = []


def stage(label: str, fn: Any) -> Any:
    """Wrap ``fn`` so its own time (minus nested stages) is added to ``label``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        STACK.append([0.0, 0.0])
        LABELS.append(label)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            inner = STACK.pop()
            LABELS.pop()
            STATS[label][0] += wall - inner[0]
            STATS[label][1] += cpu - inner[1]
            if STACK:
                STACK[-1][0] += wall
                STACK[-1][1] += cpu

    return wrapper


def install_stages() -> None:
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper

    from anju.bus import registry, runner

    runner.claim = stage("claim (its transaction, without its commit)", runner.claim)
    runner.process = stage("runner's own Python (atomic, event copy, logging)", runner.process)
    if hasattr(runner, "load_events"):  # since the batch reads its events once
        runner.load_events = stage("load the batch's events (1 SELECT per batch)", runner.load_events)
    for name, sub in list(registry.SUBSCRIBERS.items()):
        registry.SUBSCRIBERS[name] = dataclasses.replace(sub, fn=stage(f"subscriber {name}", sub.fn))
    registry._reindex()

    commit = BaseDatabaseWrapper.commit

    def labelled_commit(self: Any) -> Any:
        where = "claim" if LABELS and LABELS[-1].startswith("claim") else "a delivery's transaction"
        return stage(f"commit of {where}", commit)(self)

    BaseDatabaseWrapper.commit = labelled_commit  # type: ignore[method-assign]

    def statements(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        current = LABELS[-1] if LABELS else "outside"
        if current.startswith("runner"):
            if "complaints_complaintevent" in sql and sql.lstrip().upper().startswith("SELECT"):
                current = "load the event (SELECT with actor and complaint)"
            elif sql.lstrip().upper().startswith("UPDATE") and "bus_delivery" in sql:
                current = "mark done (UPDATE … WHERE lease = ours)"
            else:
                current = "runner: other statements"
            STATS[current][2] += 1
            return stage(current, execute)(sql, params, many, context)
        STATS[current][2] += 1
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(statements)


def make_backlog(n: int) -> tuple[int, int]:
    """File ``n`` complaints through the service; (complaints, deliveries waiting)."""
    from anju.accounts.models import User
    from anju.bus.models import Delivery
    from anju.complaints import services
    from anju.complaints.models import Channel
    from anju.estates.models import Estate

    agent = User.objects.get(username="bench-agent")
    estate = Estate.objects.get(code="bench")
    started = time.perf_counter()
    for i in range(n):
        text = URGENT_TEXTS[i // 10 % 2] if i % 10 == 0 else TEXTS[i % len(TEXTS)]
        services.complaint_create(actor=agent, channel=Channel.PHONE, estate=estate,
                                  description=f"{text}（{i}）", contact_phone=f"138{i:08d}")
    print(f"filed {n} complaints in {time.perf_counter() - started:.1f} s "
          f"(no worker: their deliveries wait)", flush=True)
    return n, Delivery.objects.count()


def run(args: argparse.Namespace, db: PostgresDB) -> int:
    import django_setup

    django_setup.setup()
    from django.db import connection

    from anju.bus import runner
    from anju.bus.models import Delivery
    from anju.complaints.models import Complaint

    complaints, deliveries = make_backlog(args.n)
    urgent = Complaint.objects.filter(urgency="urgent").count()
    print(f"backlog: {deliveries} deliveries for {complaints} complaints ({urgent} urgent)", flush=True)
    connection.close()

    profiler = None
    if args.profiler == "stages":
        install_stages()
    elif args.profiler == "cprofile":
        import cProfile

        profiler = cProfile.Profile()
    db_cpu0 = procstat.cpu_seconds(db.pids())
    if profiler is not None:
        profiler.enable()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    ran = runner.drain()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if profiler is not None:
        profiler.disable()
    db_cpu = procstat.cpu_seconds(db.pids()) - db_cpu0
    left = runner.backlog()
    per = ran or 1
    print(f"\ndrained {ran} deliveries in {wall:.1f} s on one thread: {ran / wall:.0f} deliveries/s, "
          f"{complaints / wall:.0f} complaints/s; left {left}")
    print(f"per delivery: {wall * 1000 / per:.2f} ms wall, {cpu * 1000 / per:.2f} ms CPU in this process, "
          f"{db_cpu * 1000 / per:.2f} ms CPU in PostgreSQL")
    print(f"per complaint ({deliveries / complaints:.0f} deliveries): {wall * 1000 / complaints:.1f} ms "
          f"wall, {cpu * 1000 / complaints:.1f} ms CPU here + {db_cpu * 1000 / complaints:.1f} ms "
          f"in PostgreSQL")
    if args.profiler == "stages":
        print_stages(wall, cpu, per)
    elif profiler is not None:
        import pstats

        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.filter, 40)
    done = Delivery.objects.filter(state=Delivery.State.DONE).count()
    outbox()
    return 0 if done == deliveries else 1


def outbox() -> None:
    """The acknowledgments the backlog's complaints queued, sent the way the worker's
    periodic ``deliver_outbox`` task sends them (runs of at most 200, console backend)."""
    from anju.notify.delivery import deliver_due
    from anju.notify.models import Message

    waiting = Message.objects.filter(state=Message.State.PENDING).count()
    runs: list[float] = []
    sent = 0
    while True:
        started = time.perf_counter()
        n = deliver_due()
        if not n:
            break
        runs.append(time.perf_counter() - started)
        sent += n
    if not sent:
        return
    per = sum(runs) / sent
    print(f"\noutbox: {sent} of {waiting} waiting messages sent in {len(runs)} runs of at most 200: "
          f"{per * 1000:.2f} ms each, {max(runs):.2f} s for the longest run; the worker starts one run "
          f"every 5 s (anju/notify/tasks.py), so the outbox sends at most {200 / 5:.0f}/s "
          f"(one run would send {1 / per:.0f}/s back to back)")


def print_stages(wall: float, cpu: float, n: int) -> None:
    rows = sorted(STATS.items(), key=lambda kv: -kv[1][0])
    rest = [wall - sum(s[0] for s in STATS.values()), cpu - sum(s[1] for s in STATS.values())]
    print(f"\n{'stage (own time, nested stages excluded)':<58}{'wall ms':>9}{'CPU ms':>8}"
          f"{'wall share':>11}{'statements':>11}")
    for label, (w, c, q) in rows:
        print(f"{label:<58}{w * 1000 / n:>9.3f}{c * 1000 / n:>8.3f}{w / wall:>11.0%}{q / n:>11.2f}")
    print(f"{'the rest (drain loop, profiler overhead)':<58}{rest[0] * 1000 / n:>9.3f}"
          f"{rest[1] * 1000 / n:>8.3f}{rest[0] / wall:>11.0%}")
    print("per delivery, averaged over all deliveries (a subscriber's row: its cost × its share of them); "
          "wall minus CPU is waiting for PostgreSQL (round trips, its work, the commit's WAL flush)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=2000, help="complaints in the backlog (default 2000)")
    p.add_argument("--pg-url", default=os.environ.get("ANJU_BENCH_POSTGRES", DEFAULT_PG)
                   .replace("anju_bench", "anju_bench_drain_profile"))
    p.add_argument("--profiler", choices=["stages", "cprofile", "none"], default="stages")
    p.add_argument("--sort", default="cumulative", help="cProfile sort key (default cumulative)")
    p.add_argument("--filter", default="", help="cProfile: only functions matching this")
    args = p.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="anju-profile-drain-"))
    db = PostgresDB(args.pg_url)
    if why := db.reachable():
        print(f"PostgreSQL unreachable at {args.pg_url}: {why}")
        return 1
    db.prepare()
    env = app_env(args.pg_url, workdir)
    env["ANJU_SMS_QUIET_HOURS"] = ""
    os.environ.update(env)
    try:
        return run(args, db)
    finally:
        from django.db import connections

        connections.close_all()
        db.drop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
