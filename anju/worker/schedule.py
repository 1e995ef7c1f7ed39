"""Periodic jobs run by the worker: a registry and a claim-once scheduler.

A job is a django-tasks task plus an interval. ``enqueue_due`` is called by every
worker every few seconds; for each due job, only the worker whose compare-and-set
update on ``PeriodicJob.next_run_at`` succeeds enqueues it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.worker.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: Any  # a django_tasks Task
    every: timedelta


REGISTRY: dict[str, Job] = {}


def periodic(every: timedelta) -> Any:
    """Decorator for a django-tasks task: run it every ``every`` from the worker."""

    def register(task: Any) -> Any:
        name = task.module_path
        REGISTRY[name] = Job(name=name, task=task, every=every)
        return task

    return register


def enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose time has come; returns the names this call enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in REGISTRY.values():
        state = PeriodicJob.objects.filter(name=job.name).first()
        if state is None:
            try:
                with transaction.atomic():
                    state = PeriodicJob.objects.create(name=job.name, next_run_at=now)
            except IntegrityError:
                continue  # another worker registered it this instant
        if state.next_run_at > now:
            continue
        claimed = PeriodicJob.objects.filter(name=job.name, next_run_at=state.next_run_at).update(
            next_run_at=now + job.every, last_run_at=now)
        if claimed:
            job.task.enqueue()
            enqueued.append(job.name)
    return enqueued
