"""Old sign-in codes (with the addresses that asked for them) and finished messages go."""

from __future__ import annotations

from datetime import timedelta

from anju.accounts.models import OneTimeCode
from anju.notify.models import Message
from anju.retention.services import retention_apply
from tests.retention.conftest import NOW


def code(days_ago):
    at = NOW - timedelta(days=days_ago)
    return OneTimeCode.objects.create(phone="13800001111", code_hash="x", created_at=at,
                                      expires_at=at + timedelta(minutes=5), ip="203.0.113.7")


def message(days_ago, state):
    at = NOW - timedelta(days=days_ago)
    return Message.objects.create(channel="sms", recipient="13800001111", kind="otp", body="123456",
                                  state=state, created_at=at,
                                  sent_at=at if state == Message.State.SENT else None)


def test_sign_in_codes_older_than_the_setting_are_deleted(db, settings):
    settings.ANJU_RETENTION_CODE_DAYS = 30
    old, recent = code(31), code(29)
    report = retention_apply(now=NOW)
    assert report.sign_in_codes_deleted == 1
    assert list(OneTimeCode.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not OneTimeCode.objects.filter(ip="203.0.113.7", pk=old.pk).exists()


def test_finished_messages_older_than_the_setting_are_deleted_pending_ones_never(db, settings):
    settings.ANJU_RETENTION_MESSAGE_DAYS = 90
    S = Message.State
    keep = [message(91, S.PENDING), message(91, S.SENDING), message(89, S.SENT),
            message(10, S.FAILED)]
    message(91, S.SENT)
    message(200, S.FAILED)
    report = retention_apply(now=NOW)
    assert report.messages_deleted == 2
    assert set(Message.objects.values_list("pk", flat=True)) == {m.pk for m in keep}


def test_spent_sign_in_counters_are_deleted_running_lock_outs_kept(db, settings):
    from anju.accounts.models import SignInThrottle

    settings.ANJU_LOCKOUT_WINDOW_SECONDS = 900
    hour = timedelta(hours=1)
    spent = SignInThrottle.objects.create(scope="username", key="old", failures=2,
                                          window_started_at=NOW - hour)
    SignInThrottle.objects.create(scope="username", key="counting", failures=2,
                                  window_started_at=NOW - timedelta(minutes=5))
    SignInThrottle.objects.create(scope="ip", key="203.0.113.9", failures=20,
                                  window_started_at=NOW - hour, locked_until=NOW + hour)
    assert retention_apply(now=NOW, dry_run=True).sign_in_counters_deleted == 1
    assert retention_apply(now=NOW).sign_in_counters_deleted == 1
    assert not SignInThrottle.objects.filter(pk=spent.pk).exists()
    assert set(SignInThrottle.objects.values_list("key", flat=True)) == {"counting", "203.0.113.9"}
