"""The load generator: client processes, each running threads with one connection each.

Every thread sends POSTs back to back (a closed loop: concurrency = number of threads)
from a common start time until a common end time and records, per request, when it
started, how long it took, the status and the complaint number it got back. A
connection is kept alive when the server allows it; gunicorn's sync workers close it
after each response, and ``http.client`` then reconnects for the next request.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import resource
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    path: str
    token: str
    estate: str
    # The floor measurement GETs an unknown route instead: no database, no auth, a JSON 404.
    method: str = "POST"
    expect: int = 201


@dataclass
class ClientResult:
    starts: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # one per 201, in no particular order
    errors: list[str] = field(default_factory=list)  # a few samples
    cpu_seconds: float = 0.0


def number_of(payload: Any) -> str | None:
    """The complaint number in a create response, at the top level or one level down."""
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("number"), str):
        return payload["number"]
    for value in payload.values():
        if isinstance(value, dict) and isinstance(value.get("number"), str):
            return value["number"]
    return None


def _body(worker: int, seq: int, estate: str) -> bytes:
    return json.dumps({
        "estate": estate,
        "channel": "phone",
        "description": f"压测投诉 {worker}-{seq}：楼道灯坏了，晚上很黑，请尽快修理。",
        "contact_phone": f"138{(worker * 100003 + seq) % 10**8:08d}",
        "category": "repair",
    }, ensure_ascii=False).encode()


def _headers(target: Target) -> dict[str, str]:
    return {"Authorization": f"Bearer {target.token}", "Content-Type": "application/json",
            "Accept": "application/json"}


def post_once(conn: http.client.HTTPConnection, target: Target, worker: int,
              seq: int) -> tuple[int, str | None, str | None]:
    """One create: (status, number or None, error text or None). 0 means no response."""
    body = _body(worker, seq, target.estate) if target.method == "POST" else None
    try:
        conn.request(target.method, target.path, body=body, headers=_headers(target))
        response = conn.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        return 0, None, f"{type(exc).__name__}: {exc}"
    text = " ".join(raw[:300].decode(errors="replace").split())
    if response.status == target.expect != 201:
        return response.status, None, None
    if response.status != 201:
        return response.status, None, f"{response.status} {text}"
    try:
        number = number_of(json.loads(raw))
    except ValueError:
        number = None
    return 201, number, None if number else f"201 without a number: {text}"


def _thread(target: Target, worker: int, start_at: float, end_at: float, out: ClientResult,
            lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection(target.host, target.port, timeout=60)
    local = ClientResult()
    seq = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while (began := time.time()) < end_at:
        seq += 1
        status, number, error = post_once(conn, target, worker, seq)
        local.starts.append(began)
        local.latencies.append(time.time() - began)
        local.statuses.append(status)
        if number is not None:
            local.numbers.append(number)
        if error and len(local.errors) < 5:
            local.errors.append(error)
    conn.close()
    with lock:
        out.starts += local.starts
        out.latencies += local.latencies
        out.statuses += local.statuses
        out.numbers += local.numbers
        out.errors += local.errors[: max(0, 10 - len(out.errors))]


def run_client(args: tuple[Target, int, int, float, float]) -> ClientResult:
    """One client process: ``threads`` closed-loop clients between ``start_at`` and ``end_at``."""
    target, first_worker, threads, start_at, end_at = args
    before = resource.getrusage(resource.RUSAGE_SELF)
    out = ClientResult()
    lock = threading.Lock()
    pool = [threading.Thread(target=_thread, args=(target, first_worker + i, start_at, end_at, out, lock))
            for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    out.cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def split(concurrency: int, processes: int) -> list[int]:
    """Threads per process: ``concurrency`` spread as evenly as possible."""
    processes = max(1, min(processes, concurrency))
    base, extra = divmod(concurrency, processes)
    return [base + (1 if i < extra else 0) for i in range(processes)]


def start(target: Target, concurrency: int, processes: int, start_at: float, end_at: float,
          offset: int) -> tuple[Any, Any]:
    """Start the clients: (pool, async result); the result's ``.get()`` is one ClientResult
    per process, then join the pool."""
    shares = split(concurrency, processes)
    firsts = [offset + sum(shares[:i]) for i in range(len(shares))]
    ctx = multiprocessing.get_context("fork")
    pool = ctx.Pool(len(shares))
    result = pool.map_async(run_client, [(target, f, n, start_at, end_at)
                                         for f, n in zip(firsts, shares, strict=True)])
    pool.close()
    return pool, result
