"""Deliveries are recorded in the transaction of the event (a hook of ``complaints.hooks``).

With ``ANJU_BUS_EAGER`` (tests, and a development server without a worker) the
deliveries of a change also run right after its commit, through the same claim and run
code as the worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from anju.bus import registry
from anju.bus.models import Delivery
from anju.complaints import hooks
from anju.complaints.models import Urgency


@hooks.after_events("bus.deliveries", order=80)
def record_deliveries(changes: Sequence[hooks.Change]) -> None:
    rows: list[Delivery] = []
    for change in changes:
        priority = Delivery.URGENT if change.complaint.urgency == Urgency.URGENT else Delivery.NORMAL
        now = change.event.created_at
        rows.extend(Delivery(event_id=change.event.pk, subscriber=sub.name, priority=priority,
                             available_at=now, created_at=now)
                    for sub in registry.subscribers_for(change.event.action))
    if not rows:
        return
    Delivery.objects.bulk_create(rows, batch_size=2000)
    if settings.ANJU_BUS_EAGER:
        from anju.bus import runner

        event_ids = sorted({row.event_id for row in rows})
        transaction.on_commit(lambda: runner.drain(event_ids=event_ids))
