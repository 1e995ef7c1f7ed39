from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from anju.notify.delivery import deliver_due
from anju.worker.schedule import periodic


@periodic(every=timedelta(seconds=5))
@task()
def deliver_outbox() -> int:
    """Send due messages from the outbox."""
    return deliver_due()
