"""Fault tests: real ``anju worker`` subprocesses against the PostgreSQL test database.

The test process writes the events (so the deliveries are recorded for the subscribers
registered here, ``fault_subscribers``) and commits them (``transaction=True``); the
workers run with ``tests/faults/settings.py`` (Anju's settings plus the test app that
registers the same test subscribers) on the test database, with the tests' data keys.
Every worker runs in its own process group, killed with SIGKILL at the end of the test
whatever happened; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from anju.bus import registry
from anju.bus.models import Delivery
from anju.complaints import services
from anju.complaints.models import Channel, Complaint
from tests.conftest import TEST_DATA_KEYS, TEST_INDEX_KEY
from tests.faults import subscribers

REPO = Path(__file__).resolve().parents[2]
ANJU = Path(sys.executable).parent / "anju"


def database_url() -> str:
    """The test database (``NAME`` is test_…) as a URL for the subprocesses."""
    s = connection.settings_dict
    auth = quote(s.get("USER") or "postgres", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Worker:
    """One ``anju worker`` subprocess in its own process group, logging to a file."""

    def __init__(self, folder: Path, number: int, env: dict[str, str]) -> None:
        self.log = folder / f"worker-{number}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(ANJU), "worker", "--tick", "0.5"], env=env, cwd=REPO,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL to the whole process group, then reap it (bounded)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def tail(self, lines: int = 25) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return "(no log)"
        return "\n".join(text)


class Workers:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[Worker] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ANJU_", "PYTEST"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
            "PYTHONPATH": str(REPO),
            "DATABASE_URL": database_url(),
            "ANJU_ENV": "development",
            "SECRET_KEY": "anju fault tests: not a secret",
            "ANJU_DATA_DIR": str(self.folder / "data"),
            "ANJU_DATA_KEYS": TEST_DATA_KEYS,
            "ANJU_INDEX_KEY": TEST_INDEX_KEY,
            "ANJU_DATA_KEY_FILE": "",
            "ANJU_SMS_BACKEND": "tests.faults.sms.RecordingSMS",
            "ANJU_SMS_QUIET_HOURS": "",
            "ANJU_FAULTS_DIR": str(self.folder),
            "CACHE_URL": "",
            "LOG_LEVEL": "WARNING",
        })
        env.update(extra)
        return env

    def start(self, **extra: str) -> Worker:
        worker = Worker(self.folder, len(self.started) + 1, self.env(**extra))
        self.started.append(worker)
        return worker

    def check_alive(self, *, except_for: tuple[Worker, ...] = ()) -> None:
        for worker in self.started:
            if worker not in except_for and worker.process.poll() is not None:
                raise AssertionError(f"worker {worker.pid} exited with {worker.process.returncode}:\n"
                                     f"{worker.tail()}")

    def tails(self) -> str:
        return "\n".join(f"--- worker {w.pid} (exit {w.process.poll()})\n{w.tail()}" for w in self.started)

    def kill_all(self) -> None:
        for worker in self.started:
            worker.kill()


@pytest.fixture
def faults_dir(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    return tmp_path


@pytest.fixture
def workers(faults_dir: Path) -> Iterator[Workers]:
    pool = Workers(faults_dir)
    try:
        yield pool
    finally:
        pool.kill_all()


@pytest.fixture
def wait_for(workers: Workers) -> Callable[..., None]:
    """``wait_for(predicate, seconds, what)``: poll until true; fail with the workers' logs."""

    def wait(predicate: Callable[[], object], seconds: float, what: str,
             dead_ok: tuple[Worker, ...] = ()) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if predicate():
                return
            workers.check_alive(except_for=dead_ok)
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {seconds:g} s: {what}\n{workers.tails()}")
            time.sleep(0.1)

    return wait


@pytest.fixture
def fault_subscribers() -> Iterator[Callable[..., None]]:
    """Register test subscribers in this process too, so that the events written here get
    deliveries for them (the workers register them through the test app)."""
    added: list[str] = []

    def add(*names: str) -> None:
        for name in names:
            subscribers.register(name)
            added.append(name)

    yield add
    for name in added:
        registry.remove(name)


def intake(agent, estate, i: int = 0, **extra) -> Complaint:
    kwargs = {"actor": agent, "channel": Channel.PHONE, "estate": estate,
              "description": f"故障测试 {i}：楼道灯坏了，晚上很黑", "contact_phone": f"1380000{i:04d}"}
    kwargs.update(extra)
    return services.complaint_create(**kwargs).complaint


def unfinished() -> int:
    return Delivery.objects.exclude(state=Delivery.State.DONE).count()
