"""Concurrent appends on PostgreSQL: every writer in its own transaction, one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from anju.audit.log import record
from anju.audit.models import AuditEntry
from anju.audit.verify import verify
from anju.complaints import services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 8
EACH = 6


def run_together(work, count):
    barrier = threading.Barrier(count)
    errors = []

    def worker(index):
        try:
            barrier.wait(timeout=30)
            work(index)
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "a writer is stuck"
    assert errors == []


def test_concurrent_appends_form_one_verified_chain():
    def append(index):
        for n in range(EACH):
            with transaction.atomic():
                record("config.changed", target=("test.writer", index), data={"n": n})

    run_together(append, THREADS)

    report = verify(batch_size=7)
    assert report.ok, report.problem
    assert report.count == AuditEntry.objects.count() == THREADS * EACH
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == \
        list(range(1, THREADS * EACH + 1))


def test_concurrent_complaint_intake_and_sign_ins_keep_the_chain_whole(agent, estate_a):
    before = AuditEntry.objects.count()

    def work(index):
        if index % 2:
            services.complaint_create(actor=agent, channel="phone", estate=estate_a,
                                      description="楼道灯坏了，晚上很黑")
        else:
            with transaction.atomic():
                record("auth.login", actor=agent)

    run_together(work, THREADS)

    report = verify()
    assert report.ok, report.problem
    assert report.count == before + THREADS
