from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from anju.visits.services import visits_sweep
from anju.worker.schedule import periodic


@periodic(every=timedelta(minutes=5))
@task()
def visit_sweep() -> int:
    """Open return visits a lost follow-up missed and keep due times in step with the SLA."""
    return visits_sweep()
