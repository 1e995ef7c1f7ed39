"""Start and stop gunicorn serving ``anju.wsgi:application`` on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def default_workers() -> int:
    """What scripts/serve uses: 2 × cores + 1, at most 8."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, env: dict[str, str], workdir: Path, *, workers: int, threads: int,
                 access_log: bool) -> None:
        self.port = free_port()
        self.log = workdir / "gunicorn.log"
        args = [str(VENV_BIN / "gunicorn"), "anju.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                "--threads", str(threads), "--backlog", "2048", "--log-level", "warning",
                "--graceful-timeout", "10", "--error-logfile", str(self.log)]
        if access_log:  # scripts/serve logs every request; so does the benchmark by default
            args += ["--access-logfile", str(workdir / "access.log")]
        self.process = subprocess.Popen(args, env=env, cwd=workdir, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.workers = workers

    def wait_ready(self, timeout: float = 30) -> None:
        from procstat import children_of

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            if len(children_of(self.process.pid)) >= self.workers:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not come up in {timeout:.0f} s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        from procstat import children_of

        return children_of(self.process.pid)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
