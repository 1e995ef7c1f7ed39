from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from anju.worker.schedule import periodic


@periodic(every=timedelta(minutes=2))
@task()
def incident_sweep() -> int:
    """Group recent complaints into incidents (intake does it too; this catches the rest)."""
    from anju.routing.incidents import sweep

    return sweep()
