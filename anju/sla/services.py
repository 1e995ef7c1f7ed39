"""Deadlines on complaints: set at intake, recomputed on every change of the trail.

``stamp_intake`` runs on the new complaint before the INSERT (an intake hook, ``sla.hooks``;
no query: the policy snapshot is cached); ``arm`` stores the new complaint's checkpoints
in the worker (the ``sla.checkpoints`` subscriber of the event bus, which retries it until
done). ``recompute`` runs inside each transition's transaction after its event is written: it
reads the trail (pauses, reopenings), writes the four stored due columns and replaces the
complaint's pending checkpoints for the sweep.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from anju.complaints.events import Event
from anju.complaints.models import OPEN_STATUSES, Complaint, ComplaintEvent, Status
from anju.sla.models import Checkpoint
from anju.sla.policies import DUE_FIELD, History, Target, checkpoints, targets


def history_of(events: Iterable[Any]) -> History:
    """Pauses, signing-for, resolutions and reopenings from a complaint's events (in order)."""
    pauses: list[tuple[datetime, datetime | None]] = []
    h = History(pauses=pauses, resolved=[], reopened=[])
    for e in events:
        action = e.action
        if action == Event.HOLD:
            pauses.append((e.created_at, None))
        elif action == Event.RESUME and pauses and pauses[-1][1] is None:
            pauses[-1] = (pauses[-1][0], e.created_at)
        elif action == Event.ACCEPT and h.onsite_at is None:
            h.onsite_at = e.created_at
        elif action == Event.RESOLVE:
            h.resolved.append(e.created_at)  # type: ignore[union-attr]
        elif action in (Event.REOPEN, Event.RATE_REOPEN):
            h.reopened.append(e.created_at)  # type: ignore[union-attr]
    return h


def load_history(complaint_id: int) -> History:
    return history_of(ComplaintEvent.objects.filter(complaint_id=complaint_id)
                      .only("action", "created_at").order_by("created_at", "id"))


def stamp_intake(complaint: Complaint) -> list[Target]:
    """Set the due columns of a complaint about to be inserted (no query)."""
    found = targets(complaint, History(pauses=[]))
    for t in found:
        setattr(complaint, DUE_FIELD[t.name], t.due)
    return found


def arm(complaint_id: int) -> bool:
    """Store the checkpoints of a complaint that has none yet (a new one); idempotent.

    Returns whether it armed anything. Locks the complaint, so a concurrent transition's
    ``recompute`` and this never both insert.
    """
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None or complaint.status not in OPEN_STATUSES:
        return False
    if Checkpoint.objects.filter(complaint_id=complaint_id).exists():
        return False
    recompute(complaint)
    return True


def recompute(complaint: Complaint) -> list[Target]:
    """Re-derive the deadlines and pending checkpoints of ``complaint`` from its trail.

    Call inside the transaction that changed it. Checkpoints already done stay (a warning
    raised stays raised); pending ones are replaced. A final complaint has none pending.
    """
    found = targets(complaint, load_history(complaint.pk))
    values: dict[str, datetime | None] = {field: None for field in DUE_FIELD.values()}
    for t in found:
        values[DUE_FIELD[t.name]] = t.due
    Complaint.objects.filter(pk=complaint.pk).update(**values)
    for field, value in values.items():
        setattr(complaint, field, value)
    rows = checkpoints(complaint, found) if complaint.status in OPEN_STATUSES else []
    with transaction.atomic():
        Checkpoint.objects.filter(complaint_id=complaint.pk, done_at__isnull=True).delete()
        done = {(t, m): (pk, d) for pk, t, m, d in Checkpoint.objects.filter(complaint_id=complaint.pk)
                .values_list("pk", "target", "mark", "deadline")}
        fresh, stale = [], []
        for r in rows:
            before = done.get((r["target"], r["mark"]))
            if before is not None and before[1] == r["deadline"]:
                continue  # already raised for this very deadline
            if before is not None:
                stale.append(before[0])  # raised for an earlier deadline: re-arm (reopening)
            fresh.append(Checkpoint(complaint_id=complaint.pk, **r))
        if stale:
            Checkpoint.objects.filter(pk__in=stale).delete()
        Checkpoint.objects.bulk_create(fresh, ignore_conflicts=True)
    return found


def recompute_many(complaint_ids: Iterable[int]) -> int:
    """Recompute a set of complaints (after a policy change), in batches."""
    ids = list(complaint_ids)
    n = 0
    for start in range(0, len(ids), 500):
        with transaction.atomic():
            for c in Complaint.objects.filter(pk__in=ids[start:start + 500]).select_for_update():
                recompute(c)
                n += 1
    return n


def affected_by_policies() -> list[int]:
    """Open complaints whose deadlines a policy change may move (all open ones: cheap enough
    per batch, and policies change a few times a year)."""
    return list(Complaint.objects.filter(status__in=list(OPEN_STATUSES))
                .exclude(status=Status.ON_HOLD).values_list("pk", flat=True))

