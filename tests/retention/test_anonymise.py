"""Complaints finished long ago lose their complainant's personal data; statistics stay."""

from __future__ import annotations

from datetime import timedelta

from django.core import serializers
from django.core.files.storage import default_storage
from django.urls import reverse

from anju.complaints.models import Attachment, Complaint, ComplaintEvent, Status, Supervision
from anju.notify.models import Message
from anju.retention.anonymise import RETENTION_EVENT
from anju.retention.services import retention_apply
from tests.retention.conftest import NOW, SECRETS


def everything_about(complaint):
    """The complaint and every row hanging off it, as text."""
    rows = [complaint, *complaint.events.all(), *complaint.attachments.all(),
            *complaint.supervisions.all(), *Message.objects.filter(complaint=complaint)]
    return serializers.serialize("json", rows, ensure_ascii=False)


STATS = ("status", "estate_id", "building_id", "facility_id", "category_id", "urgency",
         "department_id", "handler_id", "channel", "created_at", "assigned_at", "resolved_at",
         "closed_at", "first_feedback_at", "held_seconds", "reopen_count", "satisfaction",
         "solved", "escalated", "root_cause", "in_scope", "number", "confidential", "anonymous")


def test_the_story_really_holds_the_personal_data(story):
    text = everything_about(story())
    for secret in SECRETS:
        assert secret in text, secret


def test_personal_data_is_gone_and_the_statistics_are_kept(story, resident, settings):
    settings.ANJU_RETENTION_MESSAGE_DAYS = 10_000  # keep the delivery log: it must be scrubbed
    complaint = story()
    before = {field: getattr(complaint, field) for field in STATS}
    events_before = list(complaint.events.values_list("action", "from_status", "to_status",
                                                      "created_at"))
    files = [a.file.name for a in complaint.attachments.all()]
    assert all(default_storage.exists(name) for name in files)

    report = retention_apply(now=NOW)

    complaint.refresh_from_db()
    text = everything_about(complaint)
    for secret in SECRETS:
        assert secret not in text, secret
    assert complaint.resident is None and complaint.room is None and complaint.created_by is None
    assert complaint.latitude is None and complaint.longitude is None
    assert {field: getattr(complaint, field) for field in STATS} == before
    assert complaint.status == Status.CLOSED and complaint.satisfaction == 5
    # The trail keeps every step, its times and statuses, plus one retention event.
    after = list(complaint.events.exclude(action=RETENTION_EVENT)
                 .values_list("action", "from_status", "to_status", "created_at"))
    assert after == events_before
    assert not complaint.events.filter(actor=resident.user).exists()
    assert "卫生间天花板漏水" in complaint.description  # what happened stays readable
    # Files are deleted; their rows stay, marked, for the counts.
    assert not any(default_storage.exists(name) for name in files)
    assert list(complaint.attachments.values_list("file", "original_name")) == [("", "")] * 2
    assert set(Message.objects.filter(complaint=complaint).values_list("recipient", flat=True)) == {""}
    assert Supervision.objects.get(complaint=complaint, level="dissatisfied").reason == ""

    assert report.complaints_by_estate == {"翠湖苑": 1}
    assert report.files_removed == 2 and report.messages_cleared >= 3


def test_the_resident_no_longer_sees_it_and_staff_see_no_complainant(story, resident, client,
                                                                    agent):
    complaint = story()
    client.force_login(resident.user)
    assert complaint.number in client.get(reverse("portal:home")).content.decode()
    retention_apply(now=NOW)
    assert complaint.number not in client.get(reverse("portal:home")).content.decode()
    assert client.get(reverse("portal:detail", args=[complaint.number])).status_code == 404
    client.force_login(agent)
    response = client.get(reverse("console:complaint", args=[complaint.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "张三" not in page and "13800001111" not in page
    assert "Personal data removed" in page or "个人信息已删除" in page


def test_a_second_run_changes_nothing(story):
    complaint = story()
    retention_apply(now=NOW)
    complaint.refresh_from_db()
    version, events = complaint.version, complaint.events.count()

    report = retention_apply(now=NOW + timedelta(days=1))

    complaint.refresh_from_db()
    assert report.complaints == 0 and report.files_removed == 0
    assert complaint.version == version and complaint.events.count() == events
    assert ComplaintEvent.objects.filter(action=RETENTION_EVENT).count() == 1


def test_recent_and_open_complaints_are_left_alone(story, new_complaint):
    recent = story(start=NOW - timedelta(days=365))
    old_but_open = new_complaint()
    Complaint.objects.filter(pk=old_but_open.pk).update(created_at=NOW - timedelta(days=2000),
                                                        updated_at=NOW - timedelta(days=2000))
    report = retention_apply(now=NOW)
    assert report.complaints == 0
    for complaint in (recent, old_but_open):
        complaint.refresh_from_db()
        assert complaint.resident is not None and not complaint.events.filter(
            action=RETENTION_EVENT).exists()
    assert all(a.file for a in Attachment.objects.all())


def test_a_shorter_period_can_be_asked_for(story):
    story(start=NOW - timedelta(days=400))
    assert retention_apply(now=NOW).complaints == 0
    assert retention_apply(years=1, now=NOW).complaints == 1


def test_withdrawn_referred_out_and_merged_complaints_count_too(new_complaint, agent, resident):
    from anju.complaints import services

    long_ago = NOW - timedelta(days=4 * 365)
    withdrawn, referred, merged, target = (new_complaint(now=long_ago) for _ in range(4))
    services.complaint_withdraw(actor=resident.user, complaint_id=withdrawn.pk, now=long_ago)
    services.complaint_refer_out(actor=agent, complaint_id=referred.pk, reason="市政道路",
                                 advice="请联系12345", now=long_ago)
    services.complaint_merge(actor=agent, complaint_id=merged.pk, into_number=target.number,
                             now=long_ago)
    report = retention_apply(now=NOW)
    assert report.complaints == 3
    assert set(Complaint.objects.filter(resident__isnull=True).values_list("pk", flat=True)) == {
        withdrawn.pk, referred.pk, merged.pk}


def test_a_complaint_reopened_meanwhile_is_skipped(story):
    from anju.retention.anonymise import complaint_anonymise
    from anju.retention.services import years_before

    complaint = story()
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.ASSIGNED, closed_at=None)
    outcome = complaint_anonymise(complaint_id=complaint.pk, cutoff=years_before(NOW, 3), now=NOW)
    assert outcome is None
    complaint.refresh_from_db()
    assert complaint.contact_name == "张三"


def test_the_return_visit_keeps_its_scores_but_not_the_complainants_words(story, agent, resident):
    from anju.visits.models import ReturnVisit, SurveyResponse, VisitAttempt

    complaint = story()
    visit = ReturnVisit.objects.create(complaint=complaint, due_at=complaint.resolved_at,
                                       state=ReturnVisit.State.ANSWERED)
    VisitAttempt.objects.create(visit=visit, outcome=VisitAttempt.Outcome.REACHED, by=agent,
                                note="张三说还是漏水，打13800001111找她")
    answer = SurveyResponse.objects.create(complaint=complaint, visit=visit, source="call", stars=2,
                                  reasons=["slow"], comment="我是张三，还是漏水",
                                  estate=complaint.estate, dissatisfied=True)
    in_app = Message.objects.create(channel=Message.Channel.IN_APP, recipient="", kind="t",
                                    body="x", user=resident.user, complaint=complaint)

    retention_apply(now=NOW)

    response = SurveyResponse.objects.get(pk=answer.pk)
    assert (response.stars, response.reasons, response.dissatisfied, response.comment) == (
        2, ["slow"], True, "")
    note = VisitAttempt.objects.get(visit=visit).note
    assert "张三" not in note and "13800001111" not in note and "漏水" in note
    in_app.refresh_from_db()
    assert in_app.user is None
