"""Replaying the planned history through the complaint services, in time order.

Every complaint is created and moved only by ``anju.complaints.services`` with
``now=`` set to the step's time, by an actor of the right role, so the trail, the
milestones and the transition table's checks are exactly what real use produces.
Steps of all complaints are interleaved by time: a duplicate is merged while the
first report is still open, and numbers are issued in the order complaints came in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone

from anju.complaints import services
from anju.complaints.access import role_of
from anju.complaints.models import ComplaintEvent
from anju.complaints.transitions import RESIDENT
from anju.demo.plans import Plan, Step
from anju.lib.errors import DomainError
from anju.notify.models import Message
from anju.visits.models import SurveyResponse
from anju.visits.services import Answers, survey_submit


def rate(*, actor: Any, complaint_id: int, now: datetime, satisfaction: int, solved: bool | None,
         comment: str = "", reasons: tuple[str, ...] = ()) -> Any:
    """A rating as the product records one: through the survey, so statistics see the
    answer and its reasons (the resident's own in the portal, or the desk's return call)."""
    source = SurveyResponse.Source.PORTAL if role_of(actor) == RESIDENT else SurveyResponse.Source.CALL
    return survey_submit(actor=actor, complaint_id=complaint_id, source=source, now=now,
                         answers=Answers(stars=satisfaction, solved=solved, reasons=list(reasons),
                                         comment=comment))


SERVICES: dict[str, Callable[..., Any]] = {
    "verify": services.complaint_verify,
    "classify": services.complaint_classify,
    "refer_out": services.complaint_refer_out,
    "assign": services.complaint_assign,
    "reassign": services.complaint_reassign,
    "contact": services.complaint_record_contact,
    "accept": services.complaint_accept,
    "note": services.complaint_add_note,
    "hold": services.complaint_hold,
    "resume": services.complaint_resume,
    "resolve": services.complaint_resolve,
    "rate": rate,
    "close_unreachable": services.complaint_close_unreachable,
    "reopen": services.complaint_reopen,
    "withdraw": services.complaint_withdraw,
    "merge": services.complaint_merge,
    "escalate": services.complaint_escalate,
}


CHUNK = 400  # complaint ids per query, well under SQLite's limit on parameters


class StepFailed(Exception):
    pass


def replay(plans: list[Plan], *, progress: Callable[[int], None] | None = None) -> int:
    """Run every step of every plan in time order; returns the number of steps run."""
    timeline = sorted(((step.at, plan.key, index, plan, step)
                       for plan in plans for index, step in enumerate(plan.steps)),
                      key=lambda item: item[:3])
    for done, (at, _, _, plan, step) in enumerate(timeline, start=1):
        assert at is not None, "every step is placed in time before the replay"
        try:
            _run(plan, step, at)
        except DomainError as exc:
            raise StepFailed(f"demo complaint {plan.key} ({plan.fate}): {step.action} at "
                             f"{timezone.localtime(at):%Y-%m-%d %H:%M} failed: {exc}") from exc
        if progress and done % 500 == 0:
            progress(done)
    settle_messages([plan.complaint_id for plan in plans if plan.complaint_id])
    return len(timeline)


def _run(plan: Plan, step: Step, at: datetime) -> None:
    if step.action == "create":
        intake = services.complaint_create(actor=step.actor, now=at, **plan.create)
        plan.complaint_id, plan.number = intake.complaint.pk, intake.complaint.number
        return
    kwargs = dict(step.kwargs)
    if step.action == "merge":
        assert plan.merge_into is not None
        kwargs["into_number"] = plan.merge_into.number
        kwargs["note"] = kwargs["note"].format(number=plan.merge_into.number)
    SERVICES[step.action](actor=step.actor, complaint_id=plan.complaint_id, now=at, **kwargs)


def settle_messages(complaint_ids: list[int]) -> None:
    """What the complainants were told back then counts as delivered back then.

    Left pending, the worker would text a hundred plausible-looking numbers the moment
    it starts (through a real gateway, if one is configured). Each message was queued
    by the step whose event has the same code, so the n-th message of a kind takes the
    time of the n-th event of that kind.
    """
    for start in range(0, len(complaint_ids), CHUNK):
        chunk = complaint_ids[start:start + CHUNK]
        times: dict[tuple[int, str], list[datetime]] = defaultdict(list)
        for complaint_id, action, at in (ComplaintEvent.objects.filter(complaint_id__in=chunk)
                                         .order_by("created_at", "id")
                                         .values_list("complaint_id", "action", "created_at")):
            times[(complaint_id, action)].append(at)
        messages = (Message.objects.filter(complaint_id__in=chunk, state=Message.State.PENDING)
                    .order_by("id").values_list("id", "complaint_id", "kind", "created_at"))
        for message_id, complaint_id, kind, created_at in list(messages):
            queue = times.get((complaint_id, kind))
            at = queue.pop(0) if queue else created_at
            # One small UPDATE each: bulk_update's CASE expressions cost far more to build.
            Message.objects.filter(pk=message_id).update(
                state=Message.State.SENT, attempts=1, created_at=at, next_attempt_at=at, sent_at=at)
