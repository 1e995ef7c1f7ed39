from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from anju.warnings.detectors import sweep
from anju.worker.schedule import periodic


@periodic(every=timedelta(minutes=1))
@task()
def pattern_sweep() -> int:
    """Run the pattern detectors (repeats, hotspots, spikes, escalation risk, dissatisfied)."""
    return len(sweep())
