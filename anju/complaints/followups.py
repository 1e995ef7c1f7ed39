"""Work that follows a complaint change, done by the worker instead of the request.

Intake and every transition stay lean: whatever can wait a few seconds — the triage
suggestion, repeat and pattern checks, incident grouping — is registered here for the
actions it follows::

    @followup("received", "classify")
    def mark_repeats(complaint_id: int, action: str) -> None:
        ...

When a change commits (``signals.complaint_changed``), one task is enqueued for it; the
worker runs every function registered for that action, each in its own transaction. One
that fails is logged and does not stop the others; the periodic sweeps of each module
catch up on anything a lost task missed (a worker killed mid-task loses nothing that a
sweep would not redo).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django_tasks import task

from anju.complaints.signals import complaint_changed

logger = logging.getLogger(__name__)

Followup = Callable[[int, str], None]
REGISTRY: dict[str, list[Followup]] = {}


def followup(*actions: str) -> Callable[[Followup], Followup]:
    """Register ``fn(complaint_id, action)`` to run after each of ``actions`` commits."""

    def register(fn: Followup) -> Followup:
        for action in actions:
            handlers = REGISTRY.setdefault(action, [])
            if fn not in handlers:
                handlers.append(fn)
        return fn

    return register


def run(complaint_id: int, action: str) -> list[str]:
    """Run the follow-ups of ``action`` now; returns the names of those that failed."""
    failed = []
    for fn in REGISTRY.get(action, []):
        try:
            with transaction.atomic():
                fn(complaint_id, action)
        except Exception:
            logger.exception("Follow-up %s of complaint %s (%s) failed", fn.__qualname__,
                             complaint_id, action)
            failed.append(f"{fn.__module__}.{fn.__qualname__}")
    return failed


@task()
def run_followups(complaint_id: int, action: str) -> list[str]:
    return run(complaint_id, action)


@receiver(complaint_changed, dispatch_uid="complaints.followups")
def enqueue_followups(sender: Any, complaint: Any, action: str, **kwargs: Any) -> None:
    if REGISTRY.get(action):
        run_followups.enqueue(complaint.pk, action)
