from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from anju.sla.sweep import sweep
from anju.worker.schedule import periodic


@periodic(every=timedelta(minutes=1))
@task()
def sla_sweep() -> int:
    """Raise deadline warnings and climb the escalation ladder for every due checkpoint."""
    return sweep()


@task()
def sla_policies_changed() -> int:
    """Recompute the deadlines of open complaints after a policy, hours or calendar change."""
    from anju.sla.services import affected_by_policies, recompute_many

    return recompute_many(affected_by_policies())
