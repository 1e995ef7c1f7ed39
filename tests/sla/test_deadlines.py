"""Deadlines on real complaints: intake, policies, hold/resume, reopen; the sweep and the ladder."""

from datetime import datetime, timedelta

import pytest

from anju.audit.models import AuditEntry
from anju.audit.verify import verify as verify_chain
from anju.bus import runner
from anju.complaints import services
from anju.complaints.events import Event
from anju.complaints.models import Complaint, ComplaintEvent, Supervision
from anju.notify.models import Message
from anju.sla import services as sla_services
from anju.sla.calendar import TZ
from anju.sla.models import Checkpoint, Policy
from anju.sla.sweep import sweep
from anju.warnings.models import Warning

pytestmark = pytest.mark.django_db


def t(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


def test_intake_sets_the_default_deadlines_in_working_time(new_complaint):
    c = new_complaint(now=t(2025, 9, 30, 17))  # normal urgency, just before National Day
    c.refresh_from_db()
    assert c.feedback_due_at == t(2025, 10, 9, 12)  # 1h on Sep 30, 3h on Oct 9
    assert c.resolve_due_at == t(2025, 10, 11, 17)  # 3 working days, Saturday Oct 11 is 调休
    assert c.onsite_due_at is None and c.visit_due_at is None
    assert not Checkpoint.objects.filter(complaint=c).exists()  # stored by the follow-up
    assert runner.drain() >= 1
    marks = set(Checkpoint.objects.filter(complaint=c).values_list("target", "mark"))
    assert ("resolve", "50") in marks and ("feedback", "breach") in marks and ("resolve", "ladder3") in marks
    count = len(marks)
    assert sla_services.arm(c.pk) is False  # armed once
    assert Checkpoint.objects.filter(complaint=c).count() == count


def test_urgent_runs_around_the_clock(new_complaint):
    c = new_complaint(urgency="urgent", now=t(2025, 10, 1, 23))
    assert c.feedback_due_at == t(2025, 10, 1, 23, 15)
    assert c.onsite_due_at == t(2025, 10, 1, 23, 30)
    assert c.resolve_due_at == t(2025, 10, 2, 3)


def test_the_most_specific_policy_wins(new_complaint, world, categories):
    estate = world["a"]["estate"]
    Policy.objects.create(urgency="normal", resolve="5d", clock="working")
    Policy.objects.create(urgency="normal", category=categories["repair"], resolve="2d", onsite="2h")
    Policy.objects.create(urgency="normal", estate=estate, category=categories["repair"], resolve="1d")
    repair = new_complaint(category=categories["repair"], now=t(2025, 9, 22, 9))
    assert repair.resolve_due_at == t(2025, 9, 22, 18)  # estate + category
    assert repair.onsite_due_at is None  # the winning policy sets no on-site target
    other = new_complaint(now=t(2025, 9, 22, 9))
    assert other.resolve_due_at == t(2025, 9, 26, 18)  # urgency only: 5 working days


def walk_to_in_progress(c, agent, handler, departments, now):
    services.complaint_verify(actor=agent, complaint_id=c.pk, now=now)
    services.complaint_assign(actor=agent, complaint_id=c.pk, department=departments["engineering"],
                              handler=handler, plan="上门查看", now=now)
    services.complaint_accept(actor=handler, complaint_id=c.pk, now=now)


def test_hold_stops_the_clock_and_resume_moves_the_deadline(new_complaint, agent, handler, departments):
    c = new_complaint(now=t(2025, 9, 22, 9))  # Monday; resolve due Wed 18:00
    walk_to_in_progress(c, agent, handler, departments, t(2025, 9, 22, 10))
    services.complaint_hold(actor=handler, complaint_id=c.pk, reason="等业主回家", now=t(2025, 9, 22, 11))
    c.refresh_from_db()
    assert c.resolve_due_at is None  # the clock stands
    assert not Checkpoint.objects.filter(complaint=c, target="resolve", done_at__isnull=True).exists()
    services.complaint_resume(actor=handler, complaint_id=c.pk, now=t(2025, 9, 23, 11))
    c.refresh_from_db()
    assert c.resolve_due_at == t(2025, 9, 25, 18)  # one working day later


def test_reopening_gives_a_fresh_or_the_rest_of_the_target(new_complaint, agent, handler, departments,
                                                            resident):
    for mode, expected in (("fresh", t(2025, 9, 28, 10)), ("rest", t(2025, 9, 26, 18))):
        Policy.objects.update_or_create(urgency="normal", category=None, estate=None,
                                        defaults={"resolve": "3d", "visit": "2d", "reopen": mode})
        c = new_complaint(now=t(2025, 9, 22, 9))
        walk_to_in_progress(c, agent, handler, departments, t(2025, 9, 22, 9))
        services.complaint_resolve(actor=handler, complaint_id=c.pk, result="已修好", now=t(2025, 9, 22, 10))
        c.refresh_from_db()
        assert c.visit_due_at == t(2025, 9, 24, 10)  # 2 working days
        services.complaint_rate(actor=resident.user, complaint_id=c.pk, satisfaction=1,
                                now=t(2025, 9, 24, 10))
        c.refresh_from_db()
        # fresh: 3 working days from Wed 10:00 → Sun 28 10:00 (Sunday 28 is a 调休 workday)
        # rest: 1h used of 27h; 26h left from Wed 10:00 → Fri 26 18:00 (8h Wed, 9h Thu, 9h Fri)
        assert c.resolve_due_at == expected, mode


def test_sweep_warns_at_shares_and_breach_then_climbs_the_ladder(new_complaint, agent, handler, departments,
                                                                 supervisor, manager, quality):
    c = new_complaint(urgency="urgent", now=t(2025, 10, 1, 0))  # resolve due 04:00, around the clock
    walk_to_in_progress(c, agent, handler, departments, t(2025, 10, 1, 0, 1))
    assert sweep(now=t(2025, 10, 1, 0, 5)) == 0
    sweep(now=t(2025, 10, 1, 2, 1))  # 50% of the resolve target
    share = Warning.objects.get(complaint=c, kind="sla_share", target="resolve", data__mark="50")
    assert Message.objects.filter(user=handler, kind="sla.sla_share", complaint=c).exists()
    assert share.level == 0
    sweep(now=t(2025, 10, 1, 4, 0))  # breach
    assert Warning.objects.filter(complaint=c, kind="sla_breach", target="resolve").count() == 1
    assert not Supervision.objects.filter(complaint=c).exists()
    sweep(now=t(2025, 10, 1, 6, 0))  # +2h: department supervisor
    step = Warning.objects.get(complaint=c, kind="ladder", target="resolve")
    assert step.level == 1
    assert Supervision.objects.get(complaint=c, level="supervisor")
    [step_event] = ComplaintEvent.objects.filter(complaint=c, action=Event.ESCALATE)
    assert step_event.data["source"] == "ladder" and step_event.data["level"] == "supervisor"
    assert step_event.actor is None
    version = Complaint.objects.get(pk=c.pk).version
    assert Complaint.objects.get(pk=c.pk).escalated  # the 督办 filter and badge see it
    assert AuditEntry.objects.filter(action=Event.ESCALATE, target_id=str(c.pk),
                                     data__event=step_event.pk).count() == 1
    assert Message.objects.filter(user=supervisor, kind="sla.ladder").exists()
    assert not Message.objects.filter(user=manager, kind="sla.ladder").exists()
    sweep(now=t(2025, 10, 1, 18, 0))  # +4h manager, +8h quality
    assert sorted(Supervision.objects.filter(complaint=c).values_list("level", flat=True)) == [
        "manager", "quality", "supervisor"]
    assert Message.objects.filter(user=manager, kind="sla.ladder").exists()
    assert Complaint.objects.get(pk=c.pk).version == version + 1  # one round, one bump
    assert verify_chain().ok
    assert Message.objects.filter(user=quality, kind="sla.ladder").exists()
    before = Warning.objects.count(), Message.objects.count()
    assert sweep(now=t(2025, 10, 2, 0, 0)) == 0  # idempotent
    assert (Warning.objects.count(), Message.objects.count()) == before


def test_met_targets_and_closed_complaints_raise_nothing(new_complaint, agent, handler, departments):
    c = new_complaint(urgency="urgent", now=t(2025, 10, 1, 0))
    walk_to_in_progress(c, agent, handler, departments, t(2025, 10, 1, 0, 1))
    services.complaint_resolve(actor=handler, complaint_id=c.pk, result="已修好", now=t(2025, 10, 1, 0, 2))
    sweep(now=t(2025, 10, 1, 12))
    assert not Warning.objects.filter(complaint=c, target__in=["feedback", "resolve", "onsite"]).exists()


def test_a_policy_change_recomputes_open_complaints(new_complaint):
    from anju.sla.tasks import sla_policies_changed

    c = new_complaint(now=t(2025, 9, 22, 9))
    Policy.objects.create(urgency="normal", resolve="1d")
    sla_policies_changed.call()
    c = Complaint.objects.get(pk=c.pk)
    assert c.resolve_due_at == t(2025, 9, 22, 18)
    assert Checkpoint.objects.get(complaint=c, target="resolve", mark="breach").due_at == t(2025, 9, 22, 18)


def test_deadlines_move_with_the_urgency(new_complaint, agent):
    c = new_complaint(now=t(2025, 9, 22, 9))
    services.complaint_classify(actor=agent, complaint_id=c.pk, urgency="urgent", now=t(2025, 9, 22, 10))
    c.refresh_from_db()
    assert c.resolve_due_at == t(2025, 9, 22, 13)
    assert c.resolve_due_at - c.created_at == timedelta(hours=4)
