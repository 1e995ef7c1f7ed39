"""Feedback to the complainant: templates, channels, language, preferences, quiet hours,
the complaint's trail, in-app notifications and the admin's preview and test send."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from anju.audit.models import AuditEntry
from anju.complaints import services
from anju.complaints.models import Channel, Urgency
from anju.notify import delivery
from anju.notify.channels import DeliveryError
from anju.notify.models import ContactPreference, Message, MessageTemplate
from anju.notify.services import message_enqueue, notify_complainant, send_at
from anju.notify.templating import render

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    settings.ANJU_SMS_QUIET_HOURS = None


def told(complaint, kind):
    return Message.objects.get(complaint=complaint, kind=kind)


def test_the_renderer_substitutes_names_only():
    params = {"number": "TS1", "plan": "{number}"}
    assert render("编号 {number}，方案 {plan}", params) == "编号 TS1，方案 {number}"
    # No attribute access, indexing or format specs: left exactly as written.
    for text in ("{number.__class__}", "{number[0]}", "{number:>10}", "{unknown}"):
        assert render(text, params) == text


def test_received_tells_the_number_and_what_happens_next_by_sms(new_complaint):
    complaint = new_complaint()
    message = told(complaint, "complaint.received")
    assert message.channel == Message.Channel.SMS and message.recipient == "13800001111"
    assert complaint.number in message.body and "核实" in message.body
    assert f"/portal/c/{complaint.number}/" in message.body


def test_every_step_is_told_with_its_facts(new_complaint, agent, handler, departments):
    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk, category="repair")
    services.complaint_assign(actor=agent, complaint_id=complaint.pk,
                              department=departments["engineering"], handler=handler,
                              plan="今天下午派工程部上门查看")
    assigned = told(complaint, "complaint.assign")
    assert "今天下午派工程部上门查看" in assigned.body and "预计完成时间" in assigned.body
    services.complaint_accept(actor=handler, complaint_id=complaint.pk)
    services.complaint_hold(actor=handler, complaint_id=complaint.pk, reason="等待配件到货")
    assert "等待配件到货" in told(complaint, "complaint.hold").body
    services.complaint_resume(actor=handler, complaint_id=complaint.pk)
    services.complaint_resolve(actor=handler, complaint_id=complaint.pk, result="已更换水管接头",
                               root_cause="facility_ageing")
    resolved = told(complaint, "complaint.resolve")
    assert "已更换水管接头" in resolved.body and f"/portal/c/{complaint.number}/rate/" in resolved.body


def test_referred_out_says_why_and_where_to_go(new_complaint, agent):
    complaint = new_complaint()
    services.complaint_refer_out(actor=agent, complaint_id=complaint.pk,
                                 reason="属于供电公司职责", advice="供电服务热线 95598")
    body = told(complaint, "complaint.refer_out").body
    assert "属于供电公司职责" in body and "95598" in body


def test_english_preference_and_an_admin_template_are_used(new_complaint, resident):
    ContactPreference.objects.create(resident=resident, language="en")
    assert told(new_complaint(), "complaint.received").body.startswith("[Anju] Your complaint")
    MessageTemplate.objects.create(event="complaint.received", channel="sms", language="en",
                                   body="Got it: {number} ({category}) {secret.__dict__}")
    complaint = new_complaint()
    assert told(complaint, "complaint.received").body == (
        f"Got it: {complaint.number} (not classified) {{secret.__dict__}}")


def test_preferred_email_and_in_app_channels(new_complaint, resident):
    preference = ContactPreference.objects.create(resident=resident, channel="email",
                                                  email="zhang@example.com")
    message = told(new_complaint(), "complaint.received")
    assert message.channel == "email" and message.recipient == "zhang@example.com"
    assert message.subject.startswith("投诉已受理")
    preference.channel = "in_app"
    preference.save()
    message = told(new_complaint(), "complaint.received")
    assert message.channel == "in_app" and message.user == resident.user


def test_an_opted_out_resident_gets_no_progress_messages_but_still_sign_in_codes(
        new_complaint, resident, client):
    ContactPreference.objects.create(resident=resident, opted_out=True)
    complaint = new_complaint()
    assert not Message.objects.filter(complaint=complaint).exists()
    client.post("/portal/signin/", {"phone": "13800001111"})
    assert [m.recipient for m in Message.objects.filter(kind="otp")] == ["13800001111"]


def test_phone_and_email_complaints_use_their_channel(agent, world):
    phone = services.complaint_create(
        actor=agent, channel=Channel.PHONE, estate=world["a"]["estate"], description="电梯故障",
        contact_name="王先生", contact_phone="13912345678").complaint
    assert told(phone, "complaint.received").channel == "sms"
    email = services.complaint_create(
        actor=agent, channel=Channel.EMAIL, estate=world["a"]["estate"], description="噪音扰民",
        contact_name="李女士", contact_phone="13912340000", contact_email="li@example.com").complaint
    message = told(email, "complaint.received")
    assert message.channel == "email" and message.recipient == "li@example.com"


def test_quiet_hours_defer_non_urgent_sms_and_let_urgent_ones_through(settings, new_complaint):
    settings.ANJU_SMS_QUIET_HOURS = (time(21, 0), time(8, 0))
    night = datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)
    assert send_at(night) == datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)
    early = datetime(2026, 3, 2, 6, 0, tzinfo=SHANGHAI)
    assert send_at(early) == datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)
    noon = datetime(2026, 3, 2, 12, 0, tzinfo=SHANGHAI)
    assert send_at(noon) == noon

    complaint = new_complaint()
    Message.objects.all().delete()
    deferred = notify_complainant(complaint, "complaint.received")
    local_now = timezone.localtime()
    if local_now.hour >= 21 or local_now.hour < 8:
        assert timezone.localtime(deferred.next_attempt_at).hour == 8
        assert delivery.deliver_due(now=timezone.now()) == 0  # deferred, not dropped
        assert deferred.state == Message.State.PENDING
    complaint.urgency = Urgency.URGENT
    urgent = notify_complainant(complaint, "complaint.received")
    assert urgent.next_attempt_at <= timezone.now()
    otp = message_enqueue(channel="sms", recipient="13800001111", kind="otp", body="123456",
                          quiet_hours=True, now=night)
    assert otp.next_attempt_at == night


def test_a_permanent_failure_shows_on_the_trail_and_alerts_the_staff(
        new_complaint, agent, handler, departments, monkeypatch, settings, client):
    settings.LANGUAGE_CODE = "en"
    settings.ANJU_WECOM_WEBHOOK_URL = "http://127.0.0.1:9/robot"

    class Refusing:
        def send(self, *, recipient, subject, body):
            raise DeliveryError("isv.MOBILE_NUMBER_ILLEGAL", permanent=True)

    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk, category="repair")
    services.complaint_assign(actor=agent, complaint_id=complaint.pk,
                              department=departments["engineering"], handler=handler, plan="上门")
    real = delivery.for_channel
    monkeypatch.setattr(delivery, "for_channel",
                        lambda name: Refusing() if name == "sms" else real(name))
    delivery.deliver_due(now=timezone.now())
    assert set(Message.objects.filter(complaint=complaint, channel="sms")
               .values_list("state", flat=True)) == {Message.State.FAILED}
    alerts = Message.objects.filter(complaint=complaint, channel="wecom",
                                    kind="staff.delivery_failed")
    alert = alerts.first()
    assert alerts.count() == 2 and complaint.number in alert.body and "MOBILE_NUMBER_ILLEGAL" in alert.body
    bell = Message.objects.filter(user=handler, channel="in_app", kind="staff.delivery_failed")
    assert bell.count() == 2

    client.force_login(handler)
    page = client.get(f"/console/c/{complaint.number}/").content.decode()
    assert "Messages to the complainant" in page and "Failed" in page
    assert "Not delivered: contact the complainant another way" in page
    listing = client.get("/console/notifications/").content.decode()
    assert complaint.number in listing and "unread" in listing
    client.post("/console/notifications/")
    assert not bell.filter(read_at=None).exists()


def test_the_portal_settings_page_saves_preferences(client, resident, new_complaint):
    client.force_login(resident.user)
    assert client.get("/portal/settings/").status_code == 200
    response = client.post("/portal/settings/", {"channel": "email", "language": "en",
                                                 "email": ""})
    assert response.status_code == 200 and not ContactPreference.objects.exists()
    client.post("/portal/settings/", {"channel": "in_app", "language": "en"})
    preference = ContactPreference.objects.get(resident=resident)
    assert preference.channel == "in_app" and preference.language == "en"
    assert AuditEntry.objects.filter(action="notify.preference").exists()
    complaint = new_complaint()
    page = client.get("/portal/notifications/").content.decode()
    assert complaint.number in page and "Your complaint" in page


def test_admin_preview_and_test_send(client, admin_user, new_complaint):
    client.force_login(admin_user)
    complaint = new_complaint()
    template = MessageTemplate.objects.create(event="complaint.received", channel="sms",
                                              language="zh-hans", subject="",
                                              body="测试 {number} {link}")
    page = client.get(f"/admin/notify/messagetemplate/{template.pk}/change/").content.decode()
    assert f"测试 {complaint.number}" in page
    client.post("/admin/notify/messagetemplate/", {
        "action": "test_send", "_selected_action": [template.pk], "recipient": "13700001234"})
    sent = Message.objects.get(kind="test")
    assert sent.recipient == "13700001234" and sent.body.startswith(f"测试 {complaint.number}")
    assert sent.next_attempt_at <= timezone.now() + timedelta(seconds=1)


def test_urgent_complaints_alert_the_staff_group_and_handlers_get_a_bell(
        settings, new_complaint, agent, handler, departments):
    from anju.bus import runner

    settings.ANJU_WECOM_WEBHOOK_URL = "http://127.0.0.1:9/robot"
    normal = new_complaint()
    runner.drain()
    assert not Message.objects.filter(channel="wecom").exists()
    urgent = new_complaint(urgency=Urgency.URGENT)
    runner.drain()
    runner.drain()
    alert = Message.objects.get(channel="wecom", kind="staff.urgent")
    assert urgent.number in alert.body and "紧急投诉" in alert.body and alert.complaint == urgent
    services.complaint_verify(actor=agent, complaint_id=normal.pk, category="repair")
    services.complaint_assign(actor=agent, complaint_id=normal.pk,
                              department=departments["engineering"], handler=handler,
                              plan="明早上门")
    runner.drain()
    bell = Message.objects.get(user=handler, kind="staff.assigned")
    assert normal.number in bell.body and "明早上门" in bell.body


def test_other_modules_ship_their_own_texts_and_pass_their_own_variables(new_complaint):
    from anju.notify import templating

    templating.register_default("visit.invite", zh=("回访", "请评价投诉 {number}：{visit_link}"),
                                en=("Return visit", "Rate {number}: {visit_link}"))
    try:
        complaint = new_complaint()
        message = notify_complainant(complaint, "visit.invite", visit_link="https://x/v/abc")
        assert message.body == f"请评价投诉 {complaint.number}：https://x/v/abc"
        assert "visit.invite" in templating.events()
    finally:
        for language in ("zh-hans", "en"):
            templating.DEFAULTS.pop(("visit.invite", language))
    assert notify_complainant(complaint, "no.such.event") is None


def test_the_admin_shows_a_failed_message_with_its_attempts(client, admin_user, new_complaint,
                                                            settings):
    settings.LANGUAGE_CODE = "en"
    complaint = new_complaint()
    message = told(complaint, "complaint.received")
    delivery.Attempt.objects.create(message=message, number=1, error="provider down")
    Message.objects.filter(pk=message.pk).update(state=Message.State.FAILED, attempts=1)
    client.force_login(admin_user)
    listing = client.get("/admin/notify/message/?state__exact=failed").content.decode()
    assert "complaint.received" in listing and "138****1111" in listing
    assert "13800001111" not in listing
    page = client.get(f"/admin/notify/message/{message.pk}/change/").content.decode()
    assert "provider down" in page
