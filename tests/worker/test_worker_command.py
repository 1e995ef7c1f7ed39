import pytest
from django.core.management import call_command

from anju.notify.models import Message
from anju.notify.services import message_enqueue
from anju.worker.models import PeriodicJob


@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_due_periodic_jobs_through_the_task_queue():
    message_enqueue(channel="sms", recipient="13800001111", kind="test", body="您好")
    call_command("worker", once=True, verbosity=0)
    assert Message.objects.get().state == Message.State.SENT
    assert PeriodicJob.objects.filter(name="anju.notify.tasks.deliver_outbox").exists()
