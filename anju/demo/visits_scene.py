"""Return visits in the demo (anju/visits): every complaint the history left resolved gets
its open return visit (and its survey link in the outbox), as the worker would after the
resolve; the oldest one has two failed calls already, so the call screen shows attempts
and one more failure closes it as unreachable (the default policy)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from anju.complaints.models import Complaint, Status
from anju.demo import places
from anju.notify.models import Message
from anju.visits import links
from anju.visits.models import ReturnVisit, VisitAttempt
from anju.visits.services import attempt_record, visit_open


def stage(*, now: datetime, users: dict[str, Any]) -> int:
    """Open the visits; returns how many are open."""
    resolved = (Complaint.objects.filter(estate__company__name=places.COMPANY,
                                         status=Status.RESOLVED)
                .order_by("resolved_at", "pk").values_list("pk", "resolved_at"))
    # Opened when each was resolved, as the worker would have; the links count as sent.
    visits = [v for pk, at in resolved
              if (v := visit_open(complaint_id=pk, now=at or now)) is not None]
    for visit in visits:
        Message.objects.filter(complaint_id=visit.complaint_id, kind=links.EVENT,
                               state=Message.State.PENDING).update(
            state=Message.State.SENT, attempts=1, created_at=visit.created_at,
            next_attempt_at=visit.created_at, sent_at=visit.created_at)
        if visit.link_sent_at is not None:
            ReturnVisit.objects.filter(pk=visit.pk).update(link_sent_at=visit.created_at)
    if visits:
        first = visits[0]
        agent = users.get(f"agent.{first.complaint.estate.code}")
        if agent is not None:
            for note in ("无人接听", "关机"):
                attempt_record(actor=agent, visit_id=first.pk,
                               outcome=VisitAttempt.Outcome.UNREACHABLE, note=note, now=now)
    return len(visits)
