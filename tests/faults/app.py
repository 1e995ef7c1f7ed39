"""The fault tests' app, loaded only by the worker subprocesses (``tests/faults/settings.py``)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from django.apps import AppConfig


class FaultsConfig(AppConfig):
    name = "tests.faults"
    label = "faults"

    def ready(self) -> None:
        from tests.faults import subscribers

        subscribers.register_all()
        lease = os.environ.get("ANJU_FAULTS_OUTBOX_LEASE_SECONDS")
        if lease:
            # The outbox's lease is a constant (anju/notify/delivery.py); shorten it here so
            # a restarted worker retries a killed worker's message within seconds.
            from anju.notify import delivery

            delivery.LEASE = timedelta(seconds=float(lease))
        hold_at_start()


def hold_at_start() -> None:
    """Say we are up, then wait while the test holds the gate (so two workers start racing
    at the same moment rather than one after the other)."""
    folder = os.environ.get("ANJU_FAULTS_DIR")
    if not folder:
        return
    Path(folder, f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while Path(folder, "hold").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
