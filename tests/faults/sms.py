"""The fault tests' SMS backend (``ANJU_SMS_BACKEND=tests.faults.sms.RecordingSMS``).

Appends one line per accepted message to ``$ANJU_FAULTS_DIR/sends.log`` — the test counts
sends there — and, when the file ``block-sms`` holds a message's body, creates
``sms-started`` and sleeps instead of sending it (a provider call that hangs; the test
kills the worker meanwhile). When ``slow-sms`` holds a message's body, the first process
to send it takes it away, creates ``sms-started`` and sends it ``ANJU_FAULTS_SLOW_SECONDS``
late (a slow provider call). ``ANJU_FAULTS_SMS_DELAY`` seconds of latency per send make
the outbox runs of two workers overlap.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


class RecordingSMS:
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        folder = Path(os.environ["ANJU_FAULTS_DIR"])
        block = folder / "block-sms"
        if block.exists() and block.read_text().strip() == body:
            (folder / "sms-started").write_text(str(os.getpid()))
            time.sleep(60)  # killed long before this ends
        slow = folder / "slow-sms"
        if slow.exists() and slow.read_text().strip() == body:
            try:
                slow.rename(folder / "slow-sms.taken")
            except FileNotFoundError:
                pass  # another process took it first
            else:
                (folder / "sms-started").write_text(str(os.getpid()))
                time.sleep(float(os.environ.get("ANJU_FAULTS_SLOW_SECONDS", "3")))
        delay = float(os.environ.get("ANJU_FAULTS_SMS_DELAY", "0") or 0)
        if delay:
            time.sleep(delay)
        # One write of one line with O_APPEND: lines of two processes never interleave.
        fd = os.open(folder / "sends.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{os.getpid()} {body}\n".encode())
        finally:
            os.close(fd)
