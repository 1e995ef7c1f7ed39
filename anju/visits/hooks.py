"""Every rating and every unreachable close, however it was given, has the same effects
on the return visit (a hook of ``complaints.hooks``, inside the rating's transaction):

* the survey answer is stored with its real source (console, API, portal, return call,
  signed link) and the keys statistics group by;
* the open return visit is finished: answered, or unreachable;
* the supervisors of the estate and department are told of a dissatisfied rating.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from anju.accounts.models import User
from anju.complaints import hooks
from anju.complaints.events import Event
from anju.complaints.models import Complaint, ComplaintEvent
from anju.notify.services import notify_user
from anju.staff.models import Role, StaffProfile
from anju.visits.models import ReturnVisit, SurveyResponse

RATINGS = (Event.RATE, Event.RATE_REOPEN)


@hooks.after_events("visits.survey", order=40)
def finish_visits(changes: Sequence[hooks.Change]) -> None:
    for change in changes:
        if change.event.action in RATINGS:
            record_answer(change.complaint, change.event, visit_id=change.extra.get("visit_id"))
        elif change.event.action == Event.CLOSE_UNREACHABLE:
            _finish_open(change.complaint, ReturnVisit.State.UNREACHABLE, change.event.created_at)


def record_answer(complaint: Complaint, event: ComplaintEvent, *, visit_id: int | None) -> SurveyResponse:
    data = event.data or {}
    dissatisfied = event.action == Event.RATE_REOPEN
    visit = None
    if visit_id is not None:
        visit = ReturnVisit.objects.filter(pk=visit_id, complaint=complaint).first()
    if visit is None:
        visit = (ReturnVisit.objects.filter(complaint=complaint, state=ReturnVisit.State.OPEN)
                 .order_by("-created_at").first())
    response = SurveyResponse.objects.create(
        complaint=complaint, visit=visit, event=event,
        source=data.get("source") or SurveyResponse.Source.OTHER, stars=data["satisfaction"],
        solved=data.get("solved"), reasons=list(data.get("reasons") or []), comment=event.note,
        dissatisfied=dissatisfied, estate_id=complaint.estate_id,
        department_id=complaint.department_id, category_id=complaint.category_id,
        handler_id=complaint.handler_id, recorded_by=event.actor, created_at=event.created_at)
    _finish_open(complaint, ReturnVisit.State.ANSWERED, event.created_at)
    if dissatisfied:
        reason = (complaint.supervisions.order_by("-created_at", "-pk")
                  .values_list("reason", flat=True).first())
        with translation.override(settings.LANGUAGE_CODE):
            body = _("Complaint %(number)s was reopened: the resident is not satisfied "
                     "(%(reason)s).") % {"number": complaint.number, "reason": reason or "—"}
        for user in supervisors_of(complaint):
            notify_user(user, kind="visit.dissatisfied", subject=complaint.number, body=body,
                        complaint=complaint)
    return response


def _finish_open(complaint: Complaint, state: str, at: object) -> None:
    (ReturnVisit.objects.filter(complaint=complaint, state=ReturnVisit.State.OPEN)
     .update(state=state, finished_at=at, link_nonce=""))


def supervisors_of(complaint: Complaint) -> list[User]:
    profiles = (StaffProfile.objects.filter(role=Role.SUPERVISOR, user__is_active=True)
                .filter(Q(all_estates=True) | Q(estates=complaint.estate_id))
                .filter(Q(departments=None) | Q(departments=complaint.department_id))
                .select_related("user").distinct())
    return [p.user for p in profiles]
