import datetime as dt

import pytest
from django.utils import timezone

from anju.worker import schedule
from anju.worker.models import PeriodicJob


class FakeTask:
    module_path = "tests.fake_task"

    def __init__(self):
        self.enqueued = 0

    def enqueue(self):
        self.enqueued += 1


@pytest.fixture
def job(monkeypatch):
    task = FakeTask()
    monkeypatch.setattr(schedule, "REGISTRY", {})
    schedule.periodic(dt.timedelta(minutes=1))(task)
    return task


@pytest.mark.django_db
def test_a_due_job_is_enqueued_once_per_interval(job):
    now = timezone.now()
    assert schedule.enqueue_due(now=now) == ["tests.fake_task"]
    assert schedule.enqueue_due(now=now + dt.timedelta(seconds=30)) == []
    assert schedule.enqueue_due(now=now + dt.timedelta(minutes=1)) == ["tests.fake_task"]
    assert job.enqueued == 2


@pytest.mark.django_db
def test_a_worker_that_loses_the_compare_and_set_does_not_enqueue(job):
    now = timezone.now()
    PeriodicJob.objects.create(name="tests.fake_task", next_run_at=now)
    original = PeriodicJob.objects.filter

    def racing_filter(*args, **kwargs):
        # Another worker claims the run between our read and our update.
        qs = original(*args, **kwargs)
        if "next_run_at" in kwargs:
            original(name="tests.fake_task").update(next_run_at=now + dt.timedelta(minutes=1))
        return qs

    PeriodicJob.objects.filter = racing_filter
    try:
        assert schedule.enqueue_due(now=now) == []
    finally:
        del PeriodicJob.objects.filter
    assert job.enqueued == 0


def test_the_outbox_delivery_is_registered_as_a_periodic_job():
    assert "anju.notify.tasks.deliver_outbox" in schedule.REGISTRY
