from __future__ import annotations

import io

from django.core.management import call_command

from anju.complaints.models import Status
from anju.notify.models import Message
from anju.visits.models import ReturnVisit


def test_the_demo_has_pending_return_visits_one_with_failed_calls(db):
    call_command("demo", complaints=80, stdout=io.StringIO())
    visits = ReturnVisit.objects.filter(state=ReturnVisit.State.OPEN)
    assert visits.exists()
    assert not visits.exclude(complaint__status=Status.RESOLVED).exists()
    assert visits.filter(failed_attempts=2).count() == 1
    assert visits.filter(link_sent_at__isnull=False).exists()
    assert not Message.objects.filter(kind="visit.survey").exclude(state=Message.State.SENT).exists()
