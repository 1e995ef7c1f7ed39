"""Claim, run, retry: how the worker processes the deliveries of ``bus.models.Delivery``.

``drain`` is what the worker loops on. Each round claims a batch of due rows — pending
ones whose time has come, and running ones whose lease has ended because their worker
died — urgent complaints' first, then oldest first. The claim is one compare-and-set
``UPDATE`` per batch (on PostgreSQL the candidates are read ``FOR UPDATE SKIP LOCKED``,
so two workers take different rows); a row is the claimer's only if it carries the
claimer's fresh lease token afterwards.

Each claimed delivery runs in its own transaction: the subscriber's writes and the move
to ``done`` commit together, and only while the lease token is still ours (otherwise
the lease ran out, another worker owns the row, and our writes roll back). A failure
rolls the subscriber's writes back and schedules another attempt with exponential
backoff; after the subscriber's last attempt the row is a dead letter, listed in the
admin and on the warnings board, where one click (``retry``) queues it again.

The events of a batch are read in one query before its deliveries run (an event's
subscribers are claimed together, so that is one read per event instead of one per
delivery: a fifth of a follow-up's CPU, bench/README.md), and each subscriber receives
its own copy of the event.
"""

from __future__ import annotations

import copy
import logging
import threading
import traceback
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from anju.bus import registry
from anju.bus.models import Delivery
from anju.complaints.models import ComplaintEvent

logger = logging.getLogger(__name__)

BATCH = 20
S = Delivery.State
UNFINISHED = [S.PENDING, S.RUNNING]


class LostLease(Exception):
    """The lease ran out while the subscriber ran: another worker owns the delivery now."""


@dataclass(frozen=True)
class Claimed:
    pk: int
    event_id: int
    subscriber: str
    attempts: int
    lease: str


def lease_length() -> timedelta:
    return timedelta(seconds=settings.ANJU_BUS_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """Seconds to wait after the ``attempts``-th failed attempt: 10 s, 40 s, 160 s … at most 1 h."""
    return timedelta(seconds=min(10 * 4 ** max(attempts - 1, 0), 3600))


def claim(limit: int = BATCH, *, now: datetime | None = None,
          event_ids: Sequence[int] | None = None) -> list[Claimed]:
    now = now or timezone.now()
    token = uuid.uuid4().hex
    due = Delivery.objects.filter(state__in=UNFINISHED, available_at__lte=now)
    if event_ids is not None:
        due = due.filter(event_id__in=list(event_ids))
    with transaction.atomic():
        candidates = due.order_by("priority", "available_at", "pk")
        if connection.vendor == "postgresql":
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # Compare-and-set: a row another worker claimed meanwhile no longer matches ``due``.
        due.filter(pk__in=ids).update(state=S.RUNNING, lease=token, attempts=F("attempts") + 1,
                                      available_at=now + lease_length())
    rows = (Delivery.objects.filter(lease=token, state=S.RUNNING)
            .order_by("priority", "pk").values_list("pk", "event_id", "subscriber", "attempts"))
    return [Claimed(pk, event_id, name, attempts, token) for pk, event_id, name, attempts in rows]


def load_events(ids: Iterable[int]) -> dict[int, ComplaintEvent]:
    """The events with their actor and complaint, by id (one query)."""
    return {event.pk: event for event in ComplaintEvent.objects.select_related("actor", "complaint")
            .filter(pk__in=list(ids))}


def process(item: Claimed, events: Mapping[int, ComplaintEvent] | None = None) -> str:
    """Run one claimed delivery; returns the state it ends in.

    ``events``: the batch's events, read by ``drain`` (the subscriber gets a copy, so what
    it changes on it reaches no other subscriber); without them the event is read here.
    """
    sub = registry.get(item.subscriber)
    if sub is None:
        return _fail(item, f"No subscriber named {item.subscriber!r} is registered.", final=True)
    if item.attempts > sub.max_attempts:
        # Claimed again and again without ever finishing: its worker keeps dying in it.
        return _fail(item, f"Lease ended {item.attempts - 1} times without a result.", final=True)
    try:
        with transaction.atomic():
            if events is None:
                event = load_events([item.event_id]).get(item.event_id)
            else:
                event = copy.deepcopy(events.get(item.event_id))
            if event is not None:
                sub.fn(event)
            done = Delivery.objects.filter(pk=item.pk, lease=item.lease, state=S.RUNNING).update(
                state=S.DONE, lease="", finished_at=timezone.now(), last_error="")
            if done != 1:
                raise LostLease()
    except LostLease:
        logger.warning("Delivery %s (%s) outlived its lease; its work was rolled back",
                       item.pk, item.subscriber)
        return S.RUNNING
    except Exception:
        logger.exception("Subscriber %s failed on event %s (attempt %s)", item.subscriber,
                         item.event_id, item.attempts)
        return _fail(item, traceback.format_exc(limit=8), final=item.attempts >= sub.max_attempts)
    return S.DONE


def _fail(item: Claimed, error: str, *, final: bool) -> str:
    now = timezone.now()
    state = S.DEAD if final else S.PENDING
    with transaction.atomic():
        marked = Delivery.objects.filter(pk=item.pk, lease=item.lease).update(
            state=state, lease="", last_error=error[-4000:],
            available_at=now if final else now + backoff(item.attempts),
            finished_at=now if final else None)
        if final and marked:
            logger.error("Delivery %s (%s, event %s) is a dead letter after %s attempts",
                         item.pk, item.subscriber, item.event_id, item.attempts)
            for listener in registry.DEAD_LETTER_LISTENERS:
                try:
                    with transaction.atomic():
                        listener(item.pk)
                except Exception:
                    logger.exception("A dead-letter listener failed for delivery %s", item.pk)
    return state


def drain(*, event_ids: Sequence[int] | None = None, limit: int | None = None,
          now: datetime | None = None) -> int:
    """Process due deliveries until none is left (or ``limit`` are done); returns how many ran."""
    ran = 0
    while limit is None or ran < limit:
        batch = claim(BATCH if limit is None else min(BATCH, limit - ran), now=now, event_ids=event_ids)
        if not batch:
            return ran
        events = load_events({item.event_id for item in batch})
        for item in batch:
            process(item, events)
            ran += 1
    return ran


def serve(stop: threading.Event, *, idle: float = 0.5) -> None:
    """The worker's loop: drain, and when nothing is due wait ``idle`` seconds (or until stopped)."""
    while not stop.is_set():
        try:
            close_old_connections()
            if drain(limit=200):
                continue
        except Exception:
            logger.exception("Draining the event bus failed; retrying shortly")
        stop.wait(idle)
    connection.close()


def retry(ids: Iterable[int]) -> int:
    """Queue dead letters again (the admin's and the warnings board's one-click retry)."""
    return Delivery.objects.filter(pk__in=list(ids), state=S.DEAD).update(
        state=S.PENDING, attempts=0, available_at=timezone.now(), finished_at=None)


def backlog() -> dict[str, int]:
    """Unfinished and dead deliveries (for health pages, the warnings board and benchmarks)."""
    from django.db.models import Count

    counts = dict(Delivery.objects.exclude(state=S.DONE).values_list("state").annotate(n=Count("pk")))
    return {state: counts.get(state, 0) for state in (S.PENDING, S.RUNNING, S.DEAD)}
