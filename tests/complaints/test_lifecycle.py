"""The lifecycle end to end through the services, as the staff would walk it."""

import pytest
from django.utils import translation

from anju.complaints import services
from anju.complaints.models import ComplaintEvent, Status
from anju.lib.errors import Conflict, IllegalTransition, InvalidInput, NotAllowed, NotFound
from anju.notify.models import Message


def test_it_walks_a_complaint_from_intake_to_closed(new_complaint, agent, handler, departments):
    complaint = new_complaint()
    assert complaint.number.startswith("TS") and len(complaint.number) == 14
    assert complaint.status == Status.RECEIVED

    services.complaint_verify(actor=agent, complaint_id=complaint.pk, category="repair")
    services.complaint_assign(actor=agent, complaint_id=complaint.pk,
                              department=departments["engineering"], handler=handler,
                              plan="今天下午派工程部上门查看楼上防水")
    services.complaint_accept(actor=handler, complaint_id=complaint.pk)
    services.complaint_resolve(actor=handler, complaint_id=complaint.pk,
                               result="楼上卫生间防水层破损，已重做防水", root_cause="workmanship")
    closed = services.complaint_rate(actor=agent, complaint_id=complaint.pk, satisfaction=5,
                                     solved=True)

    assert closed.status == Status.CLOSED
    assert closed.category.code == "repair"
    assert closed.first_feedback_at is not None and closed.closed_at is not None
    actions = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("action", flat=True))
    assert actions == ["complaint.received", "complaint.verify", "complaint.assign",
                       "complaint.accept", "complaint.resolve", "complaint.rate"]
    told = set(Message.objects.filter(complaint=complaint).values_list("kind", flat=True))
    assert told == {"complaint.received", "complaint.assign", "complaint.resolve"}


def test_it_reopens_and_escalates_when_the_resident_is_dissatisfied(new_complaint, agent, handler,
                                                                   departments, resident):
    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk)
    services.complaint_assign(actor=agent, complaint_id=complaint.pk,
                              department=departments["engineering"], handler=handler, plan="上门")
    services.complaint_accept(actor=handler, complaint_id=complaint.pk)
    services.complaint_resolve(actor=handler, complaint_id=complaint.pk, result="已处理")

    reopened = services.complaint_rate(actor=resident.user, complaint_id=complaint.pk,
                                       satisfaction=4, solved=False, comment="还在漏")
    assert reopened.status == Status.ASSIGNED
    assert reopened.escalated and reopened.reopen_count == 1
    assert reopened.supervisions.get().reason == "未解决；4 星。还在漏"  # rating_summary
    assert reopened.handler == handler


def test_hold_pauses_and_resume_returns_to_the_previous_status(new_complaint, agent, handler,
                                                              departments):
    import datetime as dt

    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk)
    services.complaint_assign(actor=agent, complaint_id=complaint.pk,
                              department=departments["engineering"], handler=handler, plan="上门")
    services.complaint_accept(actor=handler, complaint_id=complaint.pk)
    start = complaint.created_at + dt.timedelta(hours=1)
    held = services.complaint_hold(actor=handler, complaint_id=complaint.pk,
                                   reason="业主出差，下周一才能入户", now=start)
    assert held.status == Status.ON_HOLD
    resumed = services.complaint_resume(actor=handler, complaint_id=complaint.pk,
                                        now=start + dt.timedelta(hours=3))
    assert resumed.status == Status.IN_PROGRESS
    assert resumed.held_seconds == 3 * 3600


def test_an_action_the_table_forbids_is_a_clear_error(new_complaint, handler, agent):
    complaint = new_complaint()
    with pytest.raises(IllegalTransition) as error:
        services.complaint_rate(actor=agent, complaint_id=complaint.pk, satisfaction=5)
    assert str(error.value) == "投诉处于“受理”状态时不能进行此操作。"
    with translation.override("en"):
        assert "“Received”" in str(error.value)
    with pytest.raises(NotAllowed):
        services.complaint_resolve(actor=agent, complaint_id=complaint.pk, result="已修好")


def test_a_stale_version_is_a_conflict_and_changes_nothing(new_complaint, agent):
    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk, version=complaint.version)
    with pytest.raises(Conflict):
        services.complaint_refer_out(actor=agent, complaint_id=complaint.pk, reason="开发商保修",
                                     advice="请联系开发商客服", version=complaint.version)
    complaint.refresh_from_db()
    assert complaint.status == Status.VERIFIED


def test_staff_cannot_act_outside_their_reach(new_complaint, agent_b):
    complaint = new_complaint()
    with pytest.raises(NotFound):
        services.complaint_verify(actor=agent_b, complaint_id=complaint.pk)


def test_refer_out_requires_a_reason_and_where_to_go(new_complaint, agent):
    complaint = new_complaint()
    with pytest.raises(InvalidInput):
        services.complaint_refer_out(actor=agent, complaint_id=complaint.pk, reason="", advice="")
    referred = services.complaint_refer_out(actor=agent, complaint_id=complaint.pk,
                                            reason="学区划分属教育局职责", advice="区教育局 12345")
    assert referred.status == Status.REFERRED_OUT and referred.in_scope is False


def test_numbers_are_sequential_within_a_day(new_complaint):
    first, second = new_complaint(), new_complaint()
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1
    assert first.number[:10] == second.number[:10]


def test_a_resident_cannot_file_about_an_estate_they_do_not_live_in(new_complaint, estate_b):
    with pytest.raises(NotAllowed):
        new_complaint(estate=estate_b, room=None)


def test_a_confidential_complaint_is_not_given_to_a_handler_who_cannot_open_it(
        new_complaint, quality, handler, departments):
    complaint = new_complaint(confidential=True)
    services.complaint_verify(actor=quality, complaint_id=complaint.pk)
    with pytest.raises(InvalidInput) as refused:
        services.complaint_assign(actor=quality, complaint_id=complaint.pk, plan="上门",
                                  department=departments["engineering"], handler=handler)
    assert refused.value.errors == {"handler": ["confidential"]}
    complaint.refresh_from_db()
    assert complaint.status == Status.VERIFIED and complaint.handler is None
    # To the department, without a handler, it goes.
    services.complaint_assign(actor=quality, complaint_id=complaint.pk, plan="品质部跟进",
                              department=departments["engineering"], handler=None)
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
