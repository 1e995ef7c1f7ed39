"""Drain benchmark: a burst of complaints over HTTP, and how long the follow-ups take.

    .venv/bin/python bench/drain.py            # 60 s burst, a few minutes
    .venv/bin/python bench/drain.py --quick    # 15 s burst, under two minutes

On a fresh PostgreSQL database (``--pg-url``, dropped afterwards) it migrates, creates an
estate, an agent and an API token (like bench/intake.py), starts gunicorn in the
production profile and ``--workers`` (2) real ``anju worker`` processes, warms up, waits
for an empty queue, then sends a burst of creates at ``--concurrency`` (8) for
``--duration`` seconds: ``POST /api/v1/complaints`` with a bearer key, one in ten of them
urgent (a danger word: 电梯困人, 燃气泄漏). It measures

* the intake rate of the burst;
* the time from the end of the burst until every subscriber has processed every event
  (no ``bus.Delivery`` row pending or running), and the backlog's peak;
* per complaint of the burst, from its creation to its acknowledgment *delivered* (the
  outbox message ``complaint.received`` reaching ``sent``: ``sent_at − created_at``),
  p50/p99, urgent and normal apart, with the console SMS backend;
* each subscriber delivery's lag (``finished_at − created_at``), urgent and normal apart;
* the CPU of gunicorn, the workers and PostgreSQL during the burst and the drain.

Then it checks that every acknowledged create is stored once, that every delivery is
done (a dead letter fails the run) and every acknowledgment sent. SMS quiet hours are
switched off (``ANJU_SMS_QUIET_HOURS=""``) so a night-time run measures the same thing.
The last line is always
``drain 2 workers postgresql: intake <N>/s for <D> s, drained <M> s after the burst,
urgent ack p99 <K> s``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import procstat
from intake import DEFAULT_PG, PostgresDB, app_env, django_setup, percentile
from server import VENV_BIN, Gunicorn, default_workers

TEXTS = [
    "楼道灯坏了，晚上很黑，请尽快修理。", "卫生间天花板漏水，已经滴了两天了。",
    "小区垃圾两天没有清运，味道很大。", "楼上装修噪音太大，中午也不停。",
    "地下车库我的车位被别人占了。", "单元门禁坏了，外人随便进出。",
    "绿化带杂草太多，蚊子很多。", "电梯按钮失灵，按了没反应。",
    "小区大门的道闸抬杆很慢，车辆排队。", "楼下有人遛狗不牵绳，孩子被吓到。",
]
URGENT_TEXTS = ["3栋2单元电梯困人了，里面有老人，快来人！", "厨房闻到很重的燃气泄漏味道，请马上来处理。"]


# --------------------------------------------------------------------------- load generator


@dataclass
class Sent:
    numbers: list[str] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)  # when each 201 came back
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0


def body(client: int, seq: int, estate: str) -> bytes:
    """One complaint; one in ten is urgent (the danger words make it so at intake)."""
    n = seq * 8 + client
    urgent = n % 10 == 0
    text = URGENT_TEXTS[n // 10 % 2] if urgent else TEXTS[n % len(TEXTS)]
    return json.dumps({"estate": estate, "channel": "phone", "description": f"{text}（{client}-{seq}）",
                       "contact_phone": f"139{(client * 100003 + seq) % 10**8:08d}"},
                      ensure_ascii=False).encode()


def _client(port: int, key: str, estate: str, client: int, start_at: float, end_at: float) -> Sent:
    out = Sent()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
               "Accept": "application/json"}
    seq = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while time.time() < end_at:
        seq += 1
        try:
            conn.request("POST", "/api/v1/complaints", body=body(client, seq, estate), headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            out.errors += 1
            if len(out.samples) < 3:
                out.samples.append(f"{type(exc).__name__}: {exc}")
            continue
        if response.status == 201:
            out.numbers.append(json.loads(raw)["number"])
            out.ends.append(time.time())
        else:
            out.errors += 1
            if len(out.samples) < 3:
                out.samples.append(f"{response.status} {raw[:200].decode(errors='replace')}")
    conn.close()
    return out


def _process(args: tuple[int, str, str, list[int], float, float]) -> Sent:
    port, key, estate, clients, start_at, end_at = args
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF)
    results: list[Sent] = []
    threads = [threading.Thread(target=lambda c=c: results.append(_client(port, key, estate, c, start_at,
                                                                          end_at)))
               for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    total = Sent(cpu_seconds=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    for r in results:
        total.numbers += r.numbers
        total.ends += r.ends
        total.errors += r.errors
        total.samples += r.samples
    return total


def burst(port: int, key: str, estate: str, concurrency: int, processes: int, seconds: float,
          first_client: int) -> tuple[Sent, float, float]:
    """Closed-loop clients for ``seconds``: (what they got, start time, end time)."""
    processes = max(1, min(processes, concurrency))
    groups = [list(range(first_client + i, first_client + concurrency, processes)) for i in range(processes)]
    start_at = time.time() + 0.3
    end_at = start_at + seconds
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.map(_process, [(port, key, estate, g, start_at, end_at) for g in groups])
    total = Sent()
    for p in parts:
        total.numbers += p.numbers
        total.ends += p.ends
        total.errors += p.errors
        total.samples += p.samples
        total.cpu_seconds += p.cpu_seconds
    return total, start_at, max(total.ends, default=end_at)


# --------------------------------------------------------------------------- the database


class Probe:
    """Reads the queues straight from PostgreSQL (no Django in this process)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)

    def one(self, sql: str, params: Any = None) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        assert row is not None
        return row[0]

    def rows(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    def unfinished(self) -> int:
        return int(self.one("SELECT count(*) FROM bus_delivery WHERE state IN ('pending', 'running')"))

    def unsent(self) -> int:
        return int(self.one("SELECT count(*) FROM notify_message "
                            "WHERE kind = 'complaint.received' AND state IN ('pending', 'sending')"))

    def close(self) -> None:
        self.conn.close()


class Sampler(threading.Thread):
    """The backlog (unfinished deliveries, unsent acknowledgments) every half second."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.points: list[tuple[float, int, int]] = []

    def run(self) -> None:
        probe = Probe(self.url)
        try:
            while not self.stop.wait(0.5):
                self.points.append((time.time(), probe.unfinished(), probe.unsent()))
        finally:
            probe.close()


def wait_until(predicate: Any, limit: float, step: float = 0.2) -> float | None:
    """Seconds until ``predicate()`` held, or None after ``limit`` seconds."""
    started = time.time()
    while True:
        if predicate():
            return time.time() - started
        if time.time() - started > limit:
            return None
        time.sleep(step)


# --------------------------------------------------------------------------- workers


class Workers:
    def __init__(self, env: dict[str, str], workdir: Path, n: int) -> None:
        self.logs = [workdir / f"worker-{i + 1}.log" for i in range(n)]
        self.processes = []
        for log in self.logs:
            with log.open("wb") as out:
                self.processes.append(subprocess.Popen(
                    [str(VENV_BIN / "anju"), "worker"], env=env, cwd=workdir, stdin=subprocess.DEVNULL,
                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True))

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def check(self) -> None:
        for p, log in zip(self.processes, self.logs, strict=True):
            if p.poll() is not None:
                raise RuntimeError(f"anju worker exited with {p.returncode}:\n"
                                   f"{log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        for p in self.processes:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.processes:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(5)


@dataclass
class Cpu:
    """CPU seconds used so far by gunicorn's workers, the anju workers and the whole machine.

    PostgreSQL is in "the rest": its backends come and go (each connection is renewed
    after ``CONN_MAX_AGE``, 60 s, and each thread of a worker has its own), and sampling
    per process loses the CPU of those that ended in between.
    """

    app: float
    workers: float
    machine: tuple[int, int]

    @staticmethod
    def read(server: Gunicorn, workers: Workers) -> Cpu:
        return Cpu(procstat.cpu_seconds(server.worker_pids()), procstat.cpu_seconds(workers.pids()),
                   procstat.machine_ticks())

    def since(self, before: Cpu) -> str:
        busy = (self.machine[0] - before.machine[0]) / procstat.TICK
        total = (self.machine[1] - before.machine[1]) / procstat.TICK
        app, workers = self.app - before.app, self.workers - before.workers
        return (f"gunicorn {app:.1f} s, anju workers {workers:.1f} s, the rest (PostgreSQL, the load "
                f"generator, other programs) {max(0.0, busy - app - workers):.1f} s of CPU; machine "
                f"{busy / max(total, 1e-9):.0%} busy")


# --------------------------------------------------------------------------- the run


@dataclass
class Result:
    intake_per_s: float = 0.0
    duration: float = 0.0
    drained_after: float | None = None
    urgent_ack_p99: float | None = None
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(line, flush=True)


Seconds = dict[bool, list[float]]  # urgent → durations


def latencies(probe: Probe, numbers: list[str]) -> tuple[Seconds, Seconds, int]:
    """(ack seconds by urgent, delivery lag seconds by urgent, acks not sent) for ``numbers``."""
    acks: Seconds = {True: [], False: []}
    for urgent, seconds in probe.rows(
            "SELECT m.urgent, EXTRACT(EPOCH FROM m.sent_at - m.created_at)::float8 FROM notify_message m "
            "JOIN complaints_complaint c ON c.id = m.complaint_id WHERE m.kind = 'complaint.received' "
            "AND m.state = 'sent' AND c.number = ANY(%s)", (numbers,)):
        acks[bool(urgent)].append(float(seconds))
    unsent = int(probe.one(
        "SELECT count(*) FROM complaints_complaint c LEFT JOIN notify_message m ON m.complaint_id = c.id "
        "AND m.kind = 'complaint.received' AND m.state = 'sent' WHERE c.number = ANY(%s) AND m.id IS NULL",
        (numbers,)))
    lags: Seconds = {True: [], False: []}
    for priority, seconds in probe.rows(
            "SELECT d.priority, EXTRACT(EPOCH FROM d.finished_at - d.created_at)::float8 FROM bus_delivery d "
            "JOIN complaints_complaintevent e ON e.id = d.event_id "
            "JOIN complaints_complaint c ON c.id = e.complaint_id "
            "WHERE c.number = ANY(%s) AND d.state = 'done'", (numbers,)):
        lags[priority == 0].append(float(seconds))
    return acks, lags, unsent


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    return (f"p50 {percentile(values, 0.5):.1f} s, p99 {percentile(values, 0.99):.1f} s, "
            f"max {max(values):.1f} s (n={len(values)})")


def run(args: argparse.Namespace, db: PostgresDB, workdir: Path) -> Result:
    result = Result(duration=args.duration)
    env = app_env(db.url, workdir)
    env["ANJU_SMS_QUIET_HOURS"] = ""  # the acknowledgments go out at any hour
    started = time.time()
    data = django_setup(env, workdir)
    result.say(f"migrated and set up in {time.time() - started:.1f} s")

    server = Gunicorn(env, workdir, workers=args.web_workers, threads=1, access_log=True)
    workers = Workers(env, workdir, args.workers)
    probe = Probe(db.url)
    acknowledged: list[str] = []
    try:
        server.wait_ready()
        time.sleep(1)
        workers.check()
        result.say(f"gunicorn ({args.web_workers} workers) and {args.workers} anju workers up")

        warm, _s, _e = burst(server.port, data["key"], data["estate"], args.concurrency,
                             args.client_processes, args.warmup, first_client=1000)
        acknowledged += warm.numbers
        quiet = wait_until(lambda: probe.unfinished() == 0 and probe.unsent() == 0, args.max_drain)
        workers.check()
        emptied = f"after {quiet:.1f} s" if quiet is not None else "NOT within the limit"
        result.say(f"warm-up: {len(warm.numbers)} creates, queues empty {emptied}")

        sampler = Sampler(db.url)
        sampler.start()
        cpu0 = Cpu.read(server, workers)
        sent, start_at, end_at = burst(server.port, data["key"], data["estate"], args.concurrency,
                                       args.client_processes, args.duration, first_client=0)
        cpu1 = Cpu.read(server, workers)
        acknowledged += sent.numbers
        at_end = probe.unfinished(), probe.unsent()
        drained = wait_until(lambda: probe.unfinished() == 0, args.max_drain, step=0.1)
        drained_at = time.time()
        cpu2 = Cpu.read(server, workers)
        acked = wait_until(lambda: probe.unsent() == 0, args.max_drain)
        sampler.stop.set()
        sampler.join()
        workers.check()

        burst_s = end_at - start_at
        result.duration = burst_s
        result.intake_per_s = len(sent.numbers) / burst_s
        result.drained_after = None if drained is None else drained_at - end_at
        peak = max(sampler.points, key=lambda p: p[1], default=(0, 0, 0))
        peak_unsent = max((p[2] for p in sampler.points), default=0)
        result.say(f"burst: {len(sent.numbers)} creates in {burst_s:.1f} s at c={args.concurrency}: "
                   f"{result.intake_per_s:.1f}/s, {sent.errors} errors"
                   + (f" (e.g. {sent.samples[0]})" if sent.samples else ""))
        result.say(f"  backlog at the end of the burst: {at_end[0]} deliveries, {at_end[1]} unsent "
                   f"acknowledgments; peak {peak[1]} deliveries, {peak_unsent} acknowledgments")
        result.say(f"  CPU during the burst: {cpu1.since(cpu0)}; load generator {sent.cpu_seconds:.1f} s")
        if result.drained_after is None:
            result.say(f"deliveries NOT drained within {args.max_drain:.0f} s after the burst "
                       f"({probe.unfinished()} left)")
            result.ok = False
        else:
            result.say(f"every delivery done {result.drained_after:.1f} s after the burst "
                       f"(the burst lasted {burst_s:.1f} s); CPU meanwhile: {cpu2.since(cpu1)}")
        if acked is None:
            result.say(f"acknowledgments NOT all sent within {args.max_drain:.0f} s")
            result.ok = False

        acks, lags, unsent = latencies(probe, sent.numbers)
        deliveries = len(lags[True]) + len(lags[False])
        if deliveries and result.drained_after is not None:
            per = (cpu2.workers - cpu0.workers) * 1000 / deliveries
            result.say(f"  anju workers' CPU (subscribers, outbox, periodic jobs) per delivery: "
                       f"{per:.2f} ms ({deliveries} deliveries)")
        result.urgent_ack_p99 = percentile(acks[True], 0.99) if acks[True] else None
        result.say(f"create → acknowledgment sent, urgent: {spread(acks[True])}")
        result.say(f"create → acknowledgment sent, normal: {spread(acks[False])}")
        result.say(f"event → subscriber done, urgent: {spread(lags[True])}")
        result.say(f"event → subscriber done, normal: {spread(lags[False])}")
        if unsent:
            result.say(f"{unsent} complaints of the burst have no sent acknowledgment")
            result.ok = False
        dead = int(probe.one("SELECT count(*) FROM bus_delivery WHERE state = 'dead'"))
        if dead:
            samples = probe.rows("SELECT subscriber, left(last_error, 300) FROM bus_delivery "
                                 "WHERE state = 'dead' LIMIT 3")
            result.say(f"{dead} dead letters, e.g. {samples}")
            result.ok = False
        if args.timeline:
            for t, waiting, unsent_now in sampler.points:
                print(f"    t={t - start_at:6.1f} s  deliveries waiting {waiting:6d}  "
                      f"acks unsent {unsent_now:6d}")
    finally:
        probe.close()
        workers.stop()
        server.stop()
    checked = db.check(acknowledged)
    result.say(f"verification {checked.summary()}")
    result.ok &= checked.ok
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a 15 s burst: the whole run in under two minutes")
    p.add_argument("--duration", type=float, help="seconds of burst (default 60, quick 15)")
    p.add_argument("--warmup", type=float, help="seconds of creates before the burst (default 3, quick 1.5)")
    p.add_argument("--concurrency", type=int, default=8, help="clients in the burst (default 8)")
    p.add_argument("--client-processes", type=int, default=2)
    p.add_argument("--workers", type=int, default=2, help="anju worker processes (default 2)")
    p.add_argument("--web-workers", type=int, default=default_workers(),
                   help="gunicorn workers (default as scripts/serve: %(default)s)")
    p.add_argument("--max-drain", type=float, help="give up waiting after this many seconds "
                                                    "(default 600, quick 75)")
    p.add_argument("--pg-url", default=os.environ.get("ANJU_BENCH_POSTGRES", DEFAULT_PG)
                   .replace("anju_bench", "anju_bench_drain"),
                   help="PostgreSQL database to drop and create (default %(default)s)")
    p.add_argument("--timeline", action="store_true", help="print the backlog every half second")
    p.add_argument("--keep", action="store_true", help="keep the database and the temporary folder")
    args = p.parse_args(argv)
    args.duration = args.duration or (15.0 if args.quick else 60.0)
    args.warmup = args.warmup if args.warmup is not None else (1.5 if args.quick else 3.0)
    args.max_drain = args.max_drain or (75.0 if args.quick else 600.0)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    name = f"drain {args.workers} workers postgresql"
    print(f"Anju drain benchmark: {os.cpu_count()} cores shared by the load generator, gunicorn, "
          f"{args.workers} anju workers and PostgreSQL; a {args.duration:g} s burst at c={args.concurrency}.",
          flush=True)
    db = PostgresDB(args.pg_url)
    if why := db.reachable():
        print(f"{name}: skipped (PostgreSQL unreachable at {args.pg_url}: {why})")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="anju-bench-drain-"))
    db.prepare()
    try:
        result = run(args, db, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir} and the database {db.dbname}", flush=True)
        else:
            db.drop()
            shutil.rmtree(workdir, ignore_errors=True)
    if not result.ok:
        print("VERIFICATION FAILED: see the lines above.")
    drained = f"{result.drained_after:.0f}" if result.drained_after is not None else f">{args.max_drain:.0f}"
    urgent = f"{result.urgent_ack_p99:.1f}" if result.urgent_ack_p99 is not None else "n/a"
    print(f"{name}: intake {result.intake_per_s:.0f}/s for {result.duration:.0f} s, drained {drained} s "
          f"after the burst, urgent ack p99 {urgent} s")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
