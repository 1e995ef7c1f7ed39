"""Two workers sweeping the same due checkpoints on PostgreSQL raise and notify each warning once."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.db import connection
from django.db.models import Count

from anju.notify.models import Message
from anju.sla.calendar import TZ
from anju.sla.models import Checkpoint
from anju.sla.sweep import sweep
from anju.warnings.models import Warning

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORKERS = 2
COMPLAINTS = 40


def test_two_workers_raise_each_warning_exactly_once(new_complaint, agent, handler, departments,
                                                      supervisor, manager, quality):
    from anju.complaints import services

    start = datetime(2025, 10, 1, 0, tzinfo=TZ)
    for _ in range(COMPLAINTS):
        c = new_complaint(urgency="urgent", now=start)
        services.complaint_verify(actor=agent, complaint_id=c.pk, now=start)
        services.complaint_assign(actor=agent, complaint_id=c.pk, department=departments["engineering"],
                                  handler=handler, plan="上门", now=start)
    expected = Checkpoint.objects.filter(done_at__isnull=True).count()
    barrier = threading.Barrier(WORKERS)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(3):  # repeated sweeps are no-ops
                results.append(sweep(now=datetime(2025, 10, 2, 0, tzinfo=TZ), batch=7))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert not any(t.is_alive() for t in threads)
    assert sum(results) == expected == Warning.objects.filter(key__startswith="sla:").count()
    assert not Checkpoint.objects.filter(done_at__isnull=True).exists()
    # every warning notified its recipients once: no (user, complaint, subject) twice
    dupes = (Message.objects.filter(kind__startswith="sla.").values("user", "complaint", "subject")
             .annotate(n=Count("id")).filter(n__gt=1))
    assert not dupes.exists()
    assert Message.objects.filter(kind__startswith="sla.").count() >= expected
