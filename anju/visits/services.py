"""Every write of return visits and surveys. Console, portal, signed links and the worker
call these; complaint changes go through ``anju.complaints.services`` (never twice).

Callers may rely on:

* ``visit_open`` is idempotent: one open visit per resolved complaint;
* ``attempt_record`` closes the complaint as unreachable (or hands the visit to a
  supervisor, ``ANJU_VISIT_FAILURE_POLICY``) at the ``ANJU_VISIT_MAX_ATTEMPTS``-th failure;
* ``survey_submit`` rates through ``complaint_rate``, the one rating service (satisfied
  closes; dissatisfied reopens and escalates with the reasons); the answer, the visit's
  state and the supervisors' notice come from ``visits.hooks``, the same on every path;
* a refused action raises a ``DomainError`` and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from anju.complaints import access
from anju.complaints.access import ComplainantLink
from anju.complaints.models import Complaint, Status
from anju.complaints.services import complaint_close_unreachable, complaint_rate
from anju.lib.errors import InvalidInput, NotFound
from anju.notify.services import notify_user
from anju.staff import policy
from anju.staff.policy import Capability
from anju.visits import links
from anju.visits.hooks import supervisors_of
from anju.visits.models import Reason, ReturnVisit, SurveyResponse, VisitAttempt

MAX_NOTE = 2000


def due_for(complaint: Complaint, now: datetime) -> datetime:
    """The complaint's return-visit deadline (anju.sla), else resolution + the default."""
    resolved = complaint.resolved_at or now
    if complaint.visit_due_at is not None and complaint.visit_due_at >= resolved:
        return complaint.visit_due_at
    return resolved + timedelta(hours=settings.ANJU_VISIT_DEFAULT_HOURS)


def visit_open(*, complaint_id: int, now: datetime | None = None) -> ReturnVisit | None:
    """Open the return visit of a resolved complaint (and send the survey link).

    Returns the open visit (new or existing), or None when the complaint is not resolved.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            complaint = (Complaint.objects.select_for_update(of=("self",)).select_related("resident")
                         .filter(pk=complaint_id).first())
            if complaint is None or complaint.status != Status.RESOLVED:
                return None
            existing = complaint.return_visits.filter(state=ReturnVisit.State.OPEN).first()
            if existing is not None:
                return existing
            visit = ReturnVisit.objects.create(complaint=complaint, due_at=due_for(complaint, now),
                                               created_at=now)
            if settings.ANJU_VISIT_SEND_LINK:
                links.send_link(visit)
            return visit
    except IntegrityError:  # another worker opened it this instant
        return ReturnVisit.objects.filter(complaint_id=complaint_id,
                                          state=ReturnVisit.State.OPEN).first()


def visit_finish_if_done(*, complaint_id: int, now: datetime | None = None) -> int:
    """Close the open visit of a complaint that is no longer resolved (rated elsewhere,
    closed, withdrawn). Returns the number of visits closed."""
    now = now or timezone.now()
    status = Complaint.objects.filter(pk=complaint_id).values_list("status", flat=True).first()
    if status is None or status == Status.RESOLVED:
        return 0
    answered = SurveyResponse.objects.filter(complaint_id=complaint_id,
                                             created_at__gte=_opened_since(complaint_id))
    state = ReturnVisit.State.ANSWERED if answered.exists() else ReturnVisit.State.CANCELLED
    return (ReturnVisit.objects.filter(complaint_id=complaint_id, state=ReturnVisit.State.OPEN)
            .update(state=state, finished_at=now, link_nonce=""))


def _opened_since(complaint_id: int) -> datetime:
    visit = (ReturnVisit.objects.filter(complaint_id=complaint_id, state=ReturnVisit.State.OPEN)
             .order_by("created_at").first())
    return visit.created_at if visit is not None else timezone.now()


# --------------------------------------------------------------------------- the call screen


def _staff_visit(actor: Any, visit_id: int) -> ReturnVisit:
    """Lock an open visit the actor may work on: desk roles, complaints within their reach."""
    policy.require(actor, Capability.WORK_VISITS, _("Return visits are made by the service desk."))
    visible = access.visible_complaints(actor)
    visit = (ReturnVisit.objects.select_for_update(of=("self",)).select_related("complaint")
             .filter(pk=visit_id, complaint__in=visible).first())
    if visit is None:
        raise NotFound()
    if not visit.is_open:
        raise InvalidInput(_("This return visit is already finished."),
                           errors={"visit": ["finished"]})
    return visit


def attempt_record(*, actor: Any, visit_id: int, outcome: str, note: str = "",
                   now: datetime | None = None) -> VisitAttempt:
    """Record one call. A failed one (unreachable, refused) counts towards the policy."""
    now = now or timezone.now()
    if outcome not in VisitAttempt.Outcome.values:
        raise InvalidInput(_("Please choose the outcome of the call."),
                           errors={"outcome": ["choice"]})
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("The note is too long (at most %(limit)s characters)."),
                           errors={"note": ["length"]}, limit=MAX_NOTE)
    with transaction.atomic():
        visit = _staff_visit(actor, visit_id)
        attempt = VisitAttempt.objects.create(visit=visit, outcome=outcome, note=note, by=actor,
                                              at=now)
        if not attempt.failed:
            return attempt
        visit.failed_attempts += 1
        visit.save(update_fields=["failed_attempts"])
        if visit.failed_attempts >= settings.ANJU_VISIT_MAX_ATTEMPTS and visit.handed_over_at is None:
            _apply_failure_policy(actor, visit, now)
    return attempt


def _apply_failure_policy(actor: Any, visit: ReturnVisit, now: datetime) -> None:
    attempts = visit.failed_attempts
    if settings.ANJU_VISIT_FAILURE_POLICY == "supervisor":
        visit.handed_over_at = now
        visit.save(update_fields=["handed_over_at"])
        with translation.override(settings.LANGUAGE_CODE):
            body = _g("The return visit of complaint %(number)s failed %(count)s times: please "
                      "decide whether to try again or close it.") % {
                "number": visit.complaint.number, "count": attempts}
        _tell_supervisors(visit.complaint, kind="visit.handed_over", body=body)
        return
    with translation.override(settings.LANGUAGE_CODE):
        note = _g("Not reached for the return visit after %(count)s attempts.") % {"count": attempts}
    # The visit becomes unreachable with the complaint (visits.hooks).
    complaint_close_unreachable(actor=actor, complaint_id=visit.complaint_id, note=note, now=now)
    visit.refresh_from_db()


def visit_close_unreachable(*, actor: Any, visit_id: int, note: str = "",
                            now: datetime | None = None) -> ReturnVisit:
    """Close a handed-over (or any open) visit and its complaint as unreachable, by hand."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _staff_visit(actor, visit_id)
        complaint_close_unreachable(actor=actor, complaint_id=visit.complaint_id,
                                    note=(note or "").strip()[:MAX_NOTE], now=now)
        visit.refresh_from_db()  # unreachable with the complaint (visits.hooks)
    return visit


def visit_resend_link(*, actor: Any, visit_id: int) -> bool:
    """Send a fresh survey link (the previous one stops working). False: nobody to send to."""
    with transaction.atomic():
        visit = _staff_visit(actor, visit_id)
        return links.send_link(visit) is not None


def _tell_supervisors(complaint: Complaint, *, kind: str, body: str) -> None:
    for user in supervisors_of(complaint):
        notify_user(user, kind=kind, subject=complaint.number, body=body, complaint=complaint)


# --------------------------------------------------------------------------- the survey


@dataclass(frozen=True)
class Answers:
    stars: int
    solved: bool | None
    reasons: list[str] = field(default_factory=list)
    comment: str = ""


def _check(answers: Answers) -> Answers:
    if not isinstance(answers.stars, int) or not 1 <= answers.stars <= 5:
        raise InvalidInput(_("Please give between one and five stars."),
                           errors={"satisfaction": ["range"]})
    unknown = [r for r in answers.reasons if r not in Reason.values]
    if unknown:
        raise InvalidInput(_("Unknown reason “%(value)s”."), errors={"reasons": unknown},
                           value=unknown[0])
    return Answers(answers.stars, answers.solved, list(dict.fromkeys(answers.reasons)),
                   (answers.comment or "").strip()[:MAX_NOTE])


def survey_submit(*, actor: Any, complaint_id: int, answers: Answers, source: str,
                  visit: ReturnVisit | None = None, version: int | None = None,
                  now: datetime | None = None) -> SurveyResponse:
    """Rate the complaint with the survey's answers; returns the stored answer.

    ``complaint_rate`` is the one rating service; its hook (``visits.hooks``) stores the
    answer, finishes the visit and tells the supervisors of a dissatisfied rating.
    """
    answers = _check(answers)
    with transaction.atomic():
        complaint = complaint_rate(
            actor=actor, complaint_id=complaint_id, satisfaction=answers.stars,
            solved=answers.solved, reasons=answers.reasons, comment=answers.comment,
            source=source, visit_id=visit.pk if visit is not None else None, version=version,
            now=now)
        return (SurveyResponse.objects.filter(complaint=complaint)
                .order_by("-created_at", "-pk").first())  # type: ignore[return-value]


def survey_by_call(*, actor: Any, visit_id: int, answers: Answers,
                   now: datetime | None = None) -> SurveyResponse:
    """The agent reached the resident and records their answers on the call screen."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = _staff_visit(actor, visit_id)
        VisitAttempt.objects.create(visit=visit, outcome=VisitAttempt.Outcome.REACHED, by=actor,
                                    at=now, note=_g("Survey recorded."))
        return survey_submit(actor=actor, complaint_id=visit.complaint_id, answers=answers,
                             source=SurveyResponse.Source.CALL, visit=visit, now=now)


def survey_by_link(*, token: str, answers: Answers, now: datetime | None = None) -> SurveyResponse:
    """The resident answers through a signed link: valid, unexpired, and used once."""
    now = now or timezone.now()
    answers = _check(answers)
    with transaction.atomic():
        visit = links.visit_for(token, now=now, lock=True)
        return survey_submit(actor=ComplainantLink(visit.complaint_id),
                             complaint_id=visit.complaint_id, answers=answers,
                             source=SurveyResponse.Source.LINK, visit=visit, now=now)


def visits_sweep(*, now: datetime | None = None) -> int:
    """Catch up: open missing visits of resolved complaints, follow ``visit_due_at`` changes
    (anju.sla may set it after the visit opened), finish visits of complaints that moved on.
    Idempotent; returns the number of visits opened."""
    now = now or timezone.now()
    opened = 0
    missing = (Complaint.objects.filter(status=Status.RESOLVED)
               .exclude(return_visits__state=ReturnVisit.State.OPEN).values_list("pk", flat=True))
    for pk in list(missing[:500]):
        if visit_open(complaint_id=pk, now=now) is not None:
            opened += 1
    for visit in (ReturnVisit.objects.filter(state=ReturnVisit.State.OPEN)
                  .select_related("complaint").exclude(complaint__status=Status.RESOLVED)[:500]):
        visit_finish_if_done(complaint_id=visit.complaint_id, now=now)
    for visit in (ReturnVisit.objects.filter(state=ReturnVisit.State.OPEN,
                                             complaint__visit_due_at__isnull=False)
                  .exclude(due_at=F("complaint__visit_due_at")).select_related("complaint")):
        due = due_for(visit.complaint, now)
        ReturnVisit.objects.filter(pk=visit.pk, due_at=visit.due_at).update(due_at=due)
    return opened


def answers_from(cleaned: dict[str, Any]) -> Answers:
    """The survey form's cleaned data as ``Answers`` (anju.visits.forms.SurveyForm)."""
    return Answers(stars=cleaned["satisfaction"], solved=cleaned.get("solved"),
                   reasons=list(cleaned.get("reasons") or []), comment=cleaned.get("comment") or "")
