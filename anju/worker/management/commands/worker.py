"""``anju worker``: runs the event bus's subscribers, background tasks and the periodic
jobs that feed them.

Start as many as you like, on as many machines as share the database: deliveries to
subscribers are claimed by one worker each (``anju.bus.runner``, a lease per claim),
tasks likewise (django-tasks-db) and periodic runs by compare-and-set. The bus's loop
comes from ``anju.worker.loops``, where the bus registers it: the worker is a layer
below the apps whose work it runs.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from anju.worker.loops import LOOPS
from anju.worker.schedule import enqueue_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the background worker (tasks and periodic jobs)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tick", type=float, default=2.0,
                            help="Seconds between checks for due periodic jobs.")
        parser.add_argument("--once", action="store_true",
                            help="Enqueue due periodic jobs, run every queued task, then exit.")

    def handle(self, *args: Any, tick: float, once: bool, **options: Any) -> None:
        if once:
            for loop in LOOPS.values():
                loop.drain()
            enqueue_due()
            call_command("db_worker", batch=True, reload=False, verbosity=options["verbosity"],
                         startup_delay=False, queue_name="*")
            for loop in LOOPS.values():
                loop.drain()
            return
        stop = threading.Event()
        scheduler = threading.Thread(target=self._schedule, args=(stop, tick), daemon=True,
                                     name="anju-scheduler")
        scheduler.start()
        for loop in LOOPS.values():
            threading.Thread(target=loop.serve, args=(stop,), daemon=True,
                             name=f"anju-{loop.name}").start()
        try:
            call_command("db_worker", reload=False, verbosity=options["verbosity"], queue_name="*")
        finally:
            stop.set()

    def _schedule(self, stop: threading.Event, tick: float) -> None:
        while not stop.wait(tick):
            try:
                close_old_connections()
                enqueue_due()
            except Exception:
                logger.exception("Enqueuing periodic jobs failed; retrying next tick")
        connection.close()
