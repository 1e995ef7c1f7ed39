"""Two workers running the pattern sweep at once on PostgreSQL: every warning raised once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from anju.complaints.models import Complaint
from anju.warnings import detectors
from anju.warnings.models import Kind, PatternSettings, Warning
from anju.warnings.services import Draft, raise_warnings
from tests.warnings.conftest import NOW

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORKERS = 2
ROUNDS = 5


def run_together(work, count):
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors = []

    def worker(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(t.is_alive() for t in threads), "a worker is stuck"
    assert errors == []
    return results


def test_two_workers_sweeping_at_once_raise_each_warning_once(file_complaint, world):
    PatternSettings.objects.create(company=world["a"]["estate"].company, hotspot_count=3,
                                   hotspot_hours=24, spike_minimum=5)
    rooms = world["a"]["rooms"]
    # Repeats (the same caller about room 101, three times), a hotspot and a spike in 1栋,
    # escalation words.
    for n in range(3):
        file_complaint(NOW - timedelta(hours=n), room=rooms[0])
    for n in range(4):
        file_complaint(NOW - timedelta(minutes=n), room=rooms[1], contact_phone=f"1390000000{n}",
                       description="漏水一直没人管，我要打12345")

    # Intake itself has checked each complaint as it was filed (at the real time): start the
    # race from no warnings and no marks.
    Warning.objects.all().delete()
    Complaint.objects.update(repeat_of=None)

    def sweep_rounds(index):
        raised = []
        for _ in range(ROUNDS):
            raised += [w.key for w in detectors.sweep(now=NOW)]
        return raised

    results = run_together(sweep_rounds, WORKERS)

    every = [key for keys in results for key in keys]
    assert len(every) == len(set(every)), "a warning was returned to two workers"
    stored = sorted(Warning.objects.values_list("key", flat=True))
    assert sorted(every) == stored
    kinds = set(Warning.objects.values_list("kind", flat=True))
    assert {Kind.REPEAT, Kind.HOTSPOT, Kind.SPIKE, Kind.ESCALATION_RISK} <= kinds
    assert Warning.objects.filter(kind=Kind.REPEAT).count() == 2
    assert Warning.objects.filter(kind=Kind.HOTSPOT).count() == 1
    assert Warning.objects.filter(kind=Kind.ESCALATION_RISK).count() == 4
    assert Complaint.objects.filter(repeat_of__isnull=False).count() == 2


def test_raising_the_same_drafts_from_many_threads_creates_and_returns_each_once(world):
    estate = world["a"]["estate"]
    drafts = [Draft(kind=Kind.SLA_SHARE, key=f"race:{n}", reason_code="sla_share", estate_id=estate.pk,
                    target="resolve", data={"share": 50}) for n in range(300)]

    results = run_together(lambda index: [w.key for w in raise_warnings(reversed(drafts)
                                                                        if index % 2 else drafts)], 4)

    every = [key for keys in results for key in keys]
    assert sorted(every) == sorted(d.key for d in drafts)
    assert Warning.objects.count() == 300
