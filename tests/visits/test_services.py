from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.complaints import services as complaints
from anju.complaints.models import Status, Supervision
from anju.lib.errors import InvalidInput, NotAllowed, NotFound
from anju.notify.models import Message
from anju.visits import services
from anju.visits.models import ReturnVisit, SurveyResponse, VisitAttempt
from anju.visits.services import Answers


def test_resolving_opens_a_return_visit_and_sends_the_survey_link(
        resolve, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = resolve()
    visit = ReturnVisit.objects.get(complaint=complaint)
    complaint.refresh_from_db()
    assert visit.state == ReturnVisit.State.OPEN
    # Due at the SLA's return-visit deadline (anju.sla), or the default 48 h without one.
    assert visit.due_at == (complaint.visit_due_at or complaint.resolved_at + timedelta(hours=48))
    link = Message.objects.get(complaint=complaint, kind="visit.survey")
    assert "/survey/" in link.body and visit.link_nonce


def test_the_visit_is_due_at_the_sla_return_visit_deadline(resolve, settings):
    complaint = resolve()
    due = complaint.resolved_at + timedelta(hours=20)
    type(complaint).objects.filter(pk=complaint.pk).update(visit_due_at=due)
    assert services.visit_open(complaint_id=complaint.pk).due_at == due


def test_the_default_delay_is_configurable(resolve, settings):
    settings.ANJU_VISIT_DEFAULT_HOURS = 6
    complaint = resolve()
    type(complaint).objects.filter(pk=complaint.pk).update(visit_due_at=None)
    complaint.refresh_from_db()
    visit = services.visit_open(complaint_id=complaint.pk)
    assert visit.due_at == complaint.resolved_at + timedelta(hours=6)


def test_opening_is_idempotent_and_only_for_resolved_complaints(resolve, new_complaint):
    complaint = resolve()
    first = services.visit_open(complaint_id=complaint.pk)
    assert services.visit_open(complaint_id=complaint.pk) == first
    assert services.visit_open(complaint_id=new_complaint().pk) is None
    assert ReturnVisit.objects.count() == 1


def test_the_sweep_opens_visits_a_lost_followup_missed(resolve):
    complaint = resolve()
    assert not ReturnVisit.objects.exists()
    assert services.visits_sweep() == 1
    assert ReturnVisit.objects.filter(complaint=complaint, state="open").exists()
    assert services.visits_sweep() == 0


def _fail(agent, visit, times, outcome=VisitAttempt.Outcome.UNREACHABLE):
    for _ in range(times):
        services.attempt_record(actor=agent, visit_id=visit.pk, outcome=outcome, note="无人接听")


def test_the_third_failed_call_closes_the_complaint_as_unreachable(resolve, agent):
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    _fail(agent, visit, 2)
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    _fail(agent, visit, 1, VisitAttempt.Outcome.REFUSED)
    complaint.refresh_from_db()
    visit.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.events.filter(action="complaint.close_unreachable").exists()
    assert visit.state == ReturnVisit.State.UNREACHABLE and not visit.link_nonce
    with pytest.raises(InvalidInput):
        _fail(agent, visit, 1)


def test_the_supervisor_policy_hands_the_visit_over(resolve, agent, supervisor, settings):
    settings.ANJU_VISIT_FAILURE_POLICY = "supervisor"
    settings.ANJU_VISIT_MAX_ATTEMPTS = 2
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    _fail(agent, visit, 2)
    complaint.refresh_from_db()
    visit.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert visit.is_open and visit.handed_over_at is not None
    assert Message.objects.filter(user=supervisor, kind="visit.handed_over").exists()
    services.visit_close_unreachable(actor=supervisor, visit_id=visit.pk, note="联系不上")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED


def test_a_satisfied_call_survey_closes_and_is_stored_for_statistics(resolve, agent, handler):
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    response = services.survey_by_call(
        actor=agent, visit_id=visit.pk,
        answers=Answers(stars=5, solved=True, reasons=["speed", "attitude"], comment="很好"))
    complaint.refresh_from_db()
    visit.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert (complaint.satisfaction, complaint.solved, complaint.satisfaction_comment) == (5, True, "很好")
    assert visit.state == ReturnVisit.State.ANSWERED
    assert (response.estate_id, response.department.code, response.handler) == (
        complaint.estate_id, "engineering", handler)
    assert response.category_id == complaint.category_id
    assert response.reasons == ["speed", "attitude"] and response.source == "call"
    assert response.event.action == "complaint.rate"
    assert visit.attempts.get().outcome == VisitAttempt.Outcome.REACHED


def test_a_dissatisfied_survey_reopens_and_escalates_with_the_reasons(resolve, agent, supervisor):
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    response = services.survey_by_call(
        actor=agent, visit_id=visit.pk,
        answers=Answers(stars=4, solved=False, reasons=["result"], comment="还在漏"))
    complaint.refresh_from_db()
    assert response.dissatisfied
    assert complaint.status == Status.ASSIGNED and complaint.escalated
    reason = Supervision.objects.get(complaint=complaint).reason
    assert "Not solved" in reason and "Result" in reason and "还在漏" in reason
    assert Message.objects.filter(user=supervisor, kind="visit.dissatisfied").exists()


def test_two_stars_is_dissatisfied_even_if_solved(resolve, agent):
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    services.survey_by_call(actor=agent, visit_id=visit.pk, answers=Answers(stars=2, solved=True))
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED


def test_bad_answers_are_refused_and_change_nothing(resolve, agent):
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    for answers in (Answers(stars=0, solved=True), Answers(stars=3, solved=True, reasons=["x"])):
        with pytest.raises(InvalidInput):
            services.survey_by_call(actor=agent, visit_id=visit.pk, answers=answers)
    with pytest.raises(InvalidInput):
        services.attempt_record(actor=agent, visit_id=visit.pk, outcome="maybe")
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert not SurveyResponse.objects.exists() and not VisitAttempt.objects.exists()


def test_visits_are_for_the_desk_within_reach(resolve, agent_b, handler):
    visit = services.visit_open(complaint_id=resolve().pk)
    with pytest.raises(NotFound):
        services.attempt_record(actor=agent_b, visit_id=visit.pk, outcome="unreachable")
    with pytest.raises(NotAllowed):
        services.attempt_record(actor=handler, visit_id=visit.pk, outcome="unreachable")


def test_a_rating_given_elsewhere_finishes_the_visit_and_is_counted(
        resolve, agent, immediate_tasks, django_capture_on_commit_callbacks):
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    with django_capture_on_commit_callbacks(execute=True):
        complaints.complaint_rate(actor=agent, complaint_id=complaint.pk, satisfaction=4,
                                  solved=True)
    visit.refresh_from_db()
    assert visit.state == ReturnVisit.State.ANSWERED
    response = SurveyResponse.objects.get(complaint=complaint)
    assert (response.stars, response.source) == (4, "other")


def test_the_sweep_follows_a_later_sla_deadline(resolve):
    complaint = resolve()
    visit = services.visit_open(complaint_id=complaint.pk)
    due = timezone.now() + timedelta(hours=5)
    type(complaint).objects.filter(pk=complaint.pk).update(visit_due_at=due)
    services.visits_sweep()
    visit.refresh_from_db()
    assert visit.due_at == due
