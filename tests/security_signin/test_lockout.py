"""Lock-out after repeated failed sign-ins: per user name, per address, shared in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone

from anju.accounts import lockout
from anju.accounts.models import ApiToken, SignInThrottle
from tests.security_signin.conftest import sign_in, text, totp_now


def fail(client, username, times, **extra):
    for _ in range(times):
        response = sign_in(client, username, "wrong-password-9", **extra)
        assert "_auth_user_id" not in client.session
    return response


def test_five_failures_lock_the_account_even_for_the_right_password(client, agent):
    fail(client, "agent", 5)
    response = sign_in(client, "agent")

    assert response.status_code == 200 and "_auth_user_id" not in client.session
    until = timezone.localtime(SignInThrottle.objects.get(scope="username", key="agent").locked_until)
    assert "Signing in is blocked until" in text(response)
    assert until.strftime("%Y-%m-%d %H:%M") in text(response)


def test_the_failure_that_locks_already_says_until_when(client, agent):
    fail(client, "agent", 4)
    response = sign_in(client, "agent", "wrong-password-9")
    assert "Signing in is blocked until" in text(response)


def test_four_failures_do_not_lock_and_a_success_clears_the_count(client, agent):
    fail(client, "agent", 4)
    assert sign_in(client, "agent").status_code == 302
    assert not SignInThrottle.objects.filter(scope="username", key="agent").exists()
    client.logout()
    fail(client, "agent", 4)
    assert sign_in(client, "agent").status_code == 302  # counting started again


def test_the_lock_ends_after_the_lock_period(agent, settings):
    start = timezone.now()
    for _ in range(settings.ANJU_LOCKOUT_FAILURES):
        lockout.lockout_record_failure(username="agent", ip=None, now=start)
    with pytest.raises(lockout.LockedOut):
        lockout.lockout_check(username="agent", ip=None, now=start + timedelta(minutes=14))
    lockout.lockout_check(username="agent", ip=None, now=start + timedelta(minutes=15, seconds=1))


def test_failures_spread_wider_than_the_window_do_not_lock(agent):
    start = timezone.now()
    for minute in range(0, 80, 16):  # each one starts a new window
        lockout.lockout_record_failure(username="agent", ip=None, now=start + timedelta(minutes=minute))
    lockout.lockout_check(username="agent", ip=None, now=start + timedelta(minutes=81))


def test_one_address_trying_many_names_is_locked_with_a_higher_limit(client, agent, settings):
    settings.ANJU_LOCKOUT_IP_FAILURES = 8
    for n in range(8):
        sign_in(client, f"guess{n}", "wrong-password-9", REMOTE_ADDR="198.51.100.9")
    refused = sign_in(client, "agent", REMOTE_ADDR="198.51.100.9")
    assert "from this network" in text(refused) and "_auth_user_id" not in client.session
    # Another address is not affected.
    assert sign_in(client, "agent", REMOTE_ADDR="198.51.100.10").status_code == 302


def test_refused_attempts_still_send_the_failed_sign_in_signal(client, agent):
    seen = []

    def receiver(sender, credentials, request=None, **kwargs):
        seen.append(credentials["username"])

    user_login_failed.connect(receiver)
    try:
        fail(client, "agent", 5)
        sign_in(client, "agent")
    finally:
        user_login_failed.disconnect(receiver)
    assert seen == ["agent"] * 6


def test_the_admin_login_goes_through_the_console_and_its_lock(client, admin_user):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/console/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    # Posting a password to the admin's own page signs nobody in.
    client.post("/admin/login/", {"username": "admin", "password": "anju-test-pass-1"})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302

    fail(client, "admin", 5, next_url="/admin/")
    response = sign_in(client, "admin", next_url="/admin/")
    assert "Signing in is blocked until" in text(response)
    assert "_auth_user_id" not in client.session


def test_the_admin_signs_in_to_the_admin_with_password_and_code(client, admin_user):
    response = sign_in(client, "admin", next_url="/admin/")
    assert response["Location"] == "/console/login/code/"
    response = client.post("/console/login/code/", {"code": totp_now()})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_locked_account_keeps_its_api_keys_working(client, agent):
    _token, key = ApiToken.issue(user=agent, name="desk")
    fail(client, "agent", 6)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_the_count_is_kept_in_the_database_for_every_worker(client, agent):
    fail(client, "agent", 3)
    row = SignInThrottle.objects.get(scope="username", key="agent")
    assert row.failures == 3 and row.locked_until is None
    assert SignInThrottle.objects.get(scope="ip", key="127.0.0.1").failures == 3
