"""``anju demo``: realistic data of every kind, written through the services, once."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from anju.accounts.models import User
from anju.complaints.models import Category, Channel, Complaint, ComplaintEvent, Status, Urgency
from anju.demo import people, stories, texts
from anju.demo.build import demo_exists
from anju.estates.models import Company, Estate, Resident, Room
from anju.notify.models import Message
from anju.staff.models import Role, StaffProfile

SIZE = 80


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """One small demo for the whole module, rolled back afterwards.

    Each test still runs in its own savepoint inside this transaction, so what a test
    changes is undone and the next test sees the demo as built.
    """
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", complaints=SIZE, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def test_it_creates_two_estates_with_realistic_buildings_and_facilities(demo):
    company = Company.objects.get(name="安居物业服务有限公司")
    assert set(company.estates.values_list("code", flat=True)) == {"cuihu", "jinxiu"}
    for estate in Estate.objects.all():
        assert 8 <= estate.buildings.count() <= 12
        kinds = set(estate.facilities.values_list("kind", flat=True))
        assert {"lift", "gate", "garage", "clubhouse", "pump_room"} <= kinds
    assert 1000 <= Room.objects.count() <= 2000
    assert Room.objects.get(unit__building__estate__code="cuihu", unit__building__name="1栋",
                            unit__name="1单元", number="101").floor == 1


def test_residents_have_unique_mobiles_and_live_in_rooms(demo):
    residents = Resident.objects.all()
    assert 140 <= residents.count() <= 160
    phones = list(residents.values_list("phone", flat=True))
    assert len(set(phones)) == len(phones)
    assert all(p[:2] in ("13", "15", "18") and len(p) == 11 for p in phones)
    assert not residents.filter(residencies=None).exists()
    relations = set(residents.values_list("residencies__relation", flat=True))
    assert relations == {"owner", "tenant", "family"}
    demo_resident = Resident.objects.with_phone("13800000001").get()
    assert demo_resident.name == "张建国"
    assert demo_resident.rooms.get().label == "翠湖苑 1栋1单元101"
    assert demo_resident.user is not None and not demo_resident.user.has_usable_password()


def test_there_is_staff_of_every_role_with_the_documented_password(demo):
    assert set(StaffProfile.objects.values_list("role", flat=True)) == set(Role.values)
    for username in ("agent.cuihu", "handler.eng.cuihu", "supervisor.eng.cuihu", "manager.cuihu",
                     "quality", "admin", "agent.jinxiu"):
        assert User.objects.get(username=username).check_password(people.PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.staff.all_estates
    assert User.objects.get(username="quality").staff.all_estates
    engineer = User.objects.get(username="handler.eng.cuihu").staff
    assert set(engineer.skills.values_list("code", flat=True)) == {
        "repair", "elevator", "utilities", "public_facility"}
    assert list(engineer.estates.values_list("code", flat=True)) == ["cuihu"]
    for department in ("engineering", "environment", "order"):
        for estate in ("cuihu", "jinxiu"):
            assert StaffProfile.objects.filter(role=Role.HANDLER, departments__code=department,
                                               estates__code=estate).exists()
            assert StaffProfile.objects.filter(role=Role.SUPERVISOR, departments__code=department,
                                               estates__code=estate).exists()


def test_the_history_has_every_status_category_urgency_and_channel(demo):
    complaints = Complaint.objects.all()
    assert complaints.count() == SIZE
    assert set(complaints.values_list("status", flat=True)) == set(Status.values)
    assert set(complaints.exclude(category=None).values_list("category__code", flat=True)) == set(
        Category.objects.values_list("code", flat=True))
    assert set(complaints.values_list("urgency", flat=True)) == set(Urgency.values)
    assert {Channel.WEB, Channel.PHONE, Channel.WALK_IN, Channel.WECHAT, Channel.EMAIL,
            Channel.HOTLINE_12345} <= set(complaints.values_list("channel", flat=True))
    assert complaints.filter(escalated=True).exists()
    assert complaints.filter(reopen_count__gt=0).exists()
    assert complaints.filter(satisfaction__lte=2).exists()  # dissatisfied ones
    assert complaints.filter(status=Status.CLOSED).count() > SIZE / 2
    merged = complaints.filter(status=Status.MERGED).first()
    assert merged.merged_into is not None and merged.merged_into.estate_id == merged.estate_id


def test_every_trail_starts_at_received_and_ends_at_the_status(demo):
    for complaint in Complaint.objects.prefetch_related("events"):
        events = list(complaint.events.all())
        assert events[0].action == "complaint.received"
        assert events[0].created_at == complaint.created_at
        assert events[-1].to_status == complaint.status
        assert all(a.to_status == b.from_status for a, b in pairwise(events))
        times = [e.created_at for e in events]
        assert times == sorted(times)


def test_the_history_spans_half_a_year_up_to_now_with_daytime_intake(demo):
    now = timezone.now()
    created = list(Complaint.objects.values_list("created_at", flat=True))
    assert max(created) <= now and min(created) >= now - timedelta(days=stories.DAYS + 1)
    assert min(created) < now - timedelta(days=90)
    assert not ComplaintEvent.objects.filter(created_at__gt=now).exists()
    daytime = sum(8 <= timezone.localtime(c).hour < 22 for c in created)
    assert daytime > 0.85 * len(created)


def test_actors_have_the_roles_the_transition_table_expects(demo):
    by_action = Counter()
    for action, role in ComplaintEvent.objects.exclude(actor__staff=None).values_list(
            "action", "actor__staff__role"):
        by_action[(action, role)] += 1
    assert {role for action, role in by_action if action == "complaint.accept"} <= {
        Role.HANDLER, Role.SUPERVISOR, Role.QUALITY}
    assert {role for action, role in by_action if action == "complaint.escalate"} <= {
        Role.SUPERVISOR, Role.MANAGER, Role.QUALITY}
    web = Complaint.objects.filter(channel=Channel.WEB).select_related("created_by__resident")
    assert all(c.created_by.resident == c.resident for c in web)


def test_every_deadline_follows_from_the_trail_and_no_message_waits_to_be_sent(demo):
    from anju.sla.policies import DUE_FIELD, targets
    from anju.sla.services import load_history

    assert Complaint.objects.exclude(resolve_due_at=None).count() > 40
    for complaint in Complaint.objects.all():
        expected = {field: None for field in DUE_FIELD.values()}
        expected |= {DUE_FIELD[t.name]: t.due for t in targets(complaint, load_history(complaint.pk))}
        assert {field: getattr(complaint, field) for field in expected} == expected, complaint.number
    assert Message.objects.exists()
    assert not Message.objects.exclude(state=Message.State.SENT).exists()
    first = Message.objects.filter(kind="complaint.received").select_related("complaint").first()
    assert first.sent_at == first.complaint.created_at


def test_running_it_again_changes_nothing_and_prints_the_sign_ins(demo, settings):
    assert "agent.cuihu" in demo and "anju-demo-2026" in demo and "13800000001" in demo
    counts = (Complaint.objects.count(), User.objects.count(), Room.objects.count())
    settings.ANJU_PORT = 8123  # PORT=8123 in the environment
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert (Complaint.objects.count(), User.objects.count(), Room.objects.count()) == counts
    assert "http://127.0.0.1:8123/console/" in out.getvalue()
    assert "http://127.0.0.1:8123/portal/" in out.getvalue()
    assert demo_exists()


def test_every_text_template_fills_in_with_the_slots():
    slots = {key: "X" for key in ("place", "building", "lift", "floor", "upstairs", "downstairs",
                                  "time", "days", "times", "space", "plate", "old", "new",
                                  "amount", "my", "i")}
    for issue in texts.ISSUES:
        for template in (*issue.texts, *issue.plans, *issue.results, issue.people):
            template.format_map(slots)
        assert issue.texts and (issue.referral or (issue.plans and issue.results))
    for pool in (texts.HOLD_REASONS, texts.PROGRESS_NOTES, texts.ESCALATE_REASONS,
                 texts.ANGRY_OPENERS):
        for template in pool:
            template.format_map(slots)
    assert {i.category for i in texts.ISSUES} == set(stories.CATEGORY_WEIGHTS)
    assert {i.urgency for i in texts.ISSUES} == set(Urgency.values)


def test_every_rating_is_a_survey_answer_and_the_unhappy_ones_say_why(demo):
    from anju.visits.models import SurveyResponse

    rated = Complaint.objects.exclude(satisfaction=None)
    answers = SurveyResponse.objects.all()
    assert rated.exists()
    assert set(answers.values_list("complaint_id", flat=True)) == set(rated.values_list("pk", flat=True))
    unhappy = answers.filter(dissatisfied=True)
    assert unhappy.exists() and all(a.reasons for a in unhappy)
    assert set(answers.values_list("source", flat=True)) <= {"portal", "call"}
    for answer in answers.select_related("complaint"):
        assert answer.created_at >= answer.complaint.created_at  # what the statistics rely on
