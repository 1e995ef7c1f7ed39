"""TOTP two-factor sign-in: enrolment, the second step, replay, recovery codes, the rule for admins."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone

from anju.accounts import two_factor
from anju.accounts.models import RecoveryCode, SignInThrottle, TwoFactor
from anju.lib.errors import InvalidInput
from anju.privacy import crypto
from tests.conftest import TOTP_SECRET, make_staff
from tests.security_signin.conftest import sign_in, text, totp_now

SECRET_KEY_IN_PAGE = re.compile(r'class="secret-key">([A-Z2-7 ]+)<')
RECOVERY_IN_PAGE = re.compile(r"<code>([A-Z2-9]{5}-[A-Z2-9]{5})</code>")


def enrol_through_the_pages(client):
    page = client.get("/console/two-factor/")
    assert page.status_code == 200 and 'src="data:image/svg+xml' in text(page)
    secret = SECRET_KEY_IN_PAGE.search(text(page)).group(1).replace(" ", "")
    done = client.post("/console/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, text(done)
    return secret, RECOVERY_IN_PAGE.findall(text(done))


# --------------------------------------------------------------------------- enrolment


def test_a_staff_member_enrols_and_then_every_sign_in_asks_for_the_code(client, agent):
    client.force_login(agent)
    secret, codes = enrol_through_the_pages(client)
    assert len(codes) == 8 and len(set(codes)) == 8
    device = TwoFactor.objects.get(user=agent)
    assert device.confirmed_at is not None and device.totp_secret == secret
    # Only keyed hashes are stored.
    stored = list(RecoveryCode.objects.filter(user=agent).values_list("code_hash", flat=True))
    assert len(stored) == 8 and not any(code.replace("-", "") in h for h in stored for code in codes)
    client.logout()

    response = sign_in(client, "agent")
    assert response["Location"] == "/console/login/code/"
    assert "_auth_user_id" not in client.session  # not signed in before the code
    assert client.get("/console/").status_code == 302
    # The enrolment code was spent: the next step's code (within the allowed drift) is new.
    response = client.post("/console/login/code/", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_a_wrong_first_code_does_not_turn_it_on(client, agent):
    client.force_login(agent)
    client.get("/console/two-factor/")
    response = client.post("/console/two-factor/", {"code": "000000"})
    assert response.status_code == 422 and "The code is not right" in text(response)
    assert TwoFactor.objects.get(user=agent).confirmed_at is None


def test_the_qr_code_is_drawn_locally_as_svg(agent):
    device = two_factor.two_factor_start(user=agent)
    uri = two_factor.provisioning_uri(device)
    assert uri.startswith("otpauth://totp/") and device.totp_secret in uri
    assert two_factor.qr_data_uri(uri).startswith("data:image/svg+xml")


# --------------------------------------------------------------------------- the second step


def test_the_admin_signs_in_with_password_then_code(client, admin_user):
    signed_in = []
    user_logged_in.connect(receiver := lambda sender, user, **kw: signed_in.append(user))
    try:
        assert sign_in(client, "admin")["Location"] == "/console/login/code/"
        assert signed_in == []
        response = client.post("/console/login/code/", {"code": totp_now()})
    finally:
        user_logged_in.disconnect(receiver)
    assert response["Location"] == "/console/" and signed_in == [admin_user]


def test_a_code_cannot_be_used_twice(client, quality):
    code = totp_now()
    sign_in(client, "quality")
    assert client.post("/console/login/code/", {"code": code}).status_code == 302
    client.logout()

    sign_in(client, "quality")
    response = client.post("/console/login/code/", {"code": code})
    assert response.status_code == 422 and "already used" in text(response)
    assert "_auth_user_id" not in client.session


def test_replay_is_refused_by_the_service_within_the_drift_window(quality):
    now = timezone.now()
    code = pyotp.TOTP(TOTP_SECRET).at(now)
    assert two_factor.two_factor_verify(user=quality, code=code, now=now) == "totp"
    with pytest.raises(InvalidInput):
        two_factor.two_factor_verify(user=quality, code=code, now=now + timedelta(seconds=20))
    # An older code (previous step) is refused too once a newer one was accepted.
    older = pyotp.TOTP(TOTP_SECRET).at(now - timedelta(seconds=30))
    with pytest.raises(InvalidInput):
        two_factor.two_factor_verify(user=quality, code=older, now=now)


def test_wrong_codes_count_toward_the_lock_out(client, quality, settings):
    sign_in(client, "quality")
    for _ in range(settings.ANJU_LOCKOUT_FAILURES - 1):
        assert client.post("/console/login/code/", {"code": "000000"}).status_code == 422
    response = client.post("/console/login/code/", {"code": "000000"})
    assert response.status_code == 429 and "Signing in is blocked until" in text(response)
    assert SignInThrottle.objects.get(scope="username", key="quality").locked_until is not None
    # Locked: the right password and the right code do not help.
    response = sign_in(client, "quality")
    assert "Signing in is blocked until" in text(response)
    assert "_auth_user_id" not in client.session


def test_the_code_step_needs_the_password_step_first(client, quality):
    response = client.post("/console/login/code/", {"code": totp_now()})
    assert response.status_code == 302 and response["Location"] == "/console/login/"
    assert "_auth_user_id" not in client.session


# --------------------------------------------------------------------------- recovery codes


def test_a_recovery_code_signs_in_once(client, agent):
    client.force_login(agent)
    _secret, codes = enrol_through_the_pages(client)
    client.logout()

    sign_in(client, "agent")
    assert client.post("/console/login/code/", {"code": codes[0].lower()}).status_code == 302
    client.logout()
    sign_in(client, "agent")
    response = client.post("/console/login/code/", {"code": codes[0]})
    assert response.status_code == 422 and "_auth_user_id" not in client.session
    assert RecoveryCode.objects.filter(user=agent, used_at__isnull=True).count() == 7


# --------------------------------------------------------------------------- required for admins


@pytest.mark.parametrize("kind", ["admin", "quality", "superuser"])
def test_required_roles_must_enrol_before_reaching_anything(client, world, kind):
    from anju.staff.models import Role

    if kind == "superuser":
        user = make_staff("root", Role.AGENT, estates=[world["a"]["estate"]])
        user.is_superuser = user.is_staff = True
        user.save()
    else:
        user = make_staff("root", Role.ADMIN if kind == "admin" else Role.QUALITY, all_estates=True)
    response = sign_in(client, "root")
    assert response["Location"] == "/console/two-factor/"
    assert "_auth_user_id" not in client.session
    for elsewhere in ("/console/", "/admin/", "/console/login/code/"):
        assert client.get(elsewhere).status_code == 302
    assert "_auth_user_id" not in client.session

    page = client.get("/console/two-factor/")
    assert "Your role requires two-factor sign-in" in text(page)
    secret = SECRET_KEY_IN_PAGE.search(text(page)).group(1).replace(" ", "")
    done = client.post("/console/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert len(RECOVERY_IN_PAGE.findall(text(done))) == 8
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/console/").status_code in {200, 403}  # 403: a superuser without a profile


def test_a_session_without_the_required_second_factor_reaches_only_the_set_up(client, admin_user):
    TwoFactor.objects.filter(user=admin_user).delete()  # e.g. reset by another administrator
    client.force_login(admin_user)
    for path in ("/console/", "/admin/", "/console/password/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/console/two-factor/"
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["error"]["code"] == "two_factor_required"
    assert client.get("/console/two-factor/").status_code == 200


def test_other_roles_may_sign_in_without_it(client, agent):
    assert sign_in(client, "agent")["Location"] == "/console/"


# --------------------------------------------------------------------------- admin reset


def test_an_administrator_resets_a_users_second_factor(client, admin_user, quality):
    client.force_login(admin_user)
    response = client.post("/admin/accounts/user/", {
        "action": "reset_two_factor", "_selected_action": [quality.pk]})
    assert response.status_code == 302
    assert not TwoFactor.objects.filter(user=quality).exists()
    assert not RecoveryCode.objects.filter(user=quality).exists()

    # At the next sign-in quality must set it up again.
    client.logout()
    assert sign_in(client, "quality")["Location"] == "/console/two-factor/"


def test_the_reset_needs_the_permission(client, admin_user, quality):
    staff = make_staff("clerk", "agent")
    staff.is_staff = True
    staff.save()
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(staff)
    client.post("/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [quality.pk]})
    assert TwoFactor.objects.filter(user=quality).exists()


def test_the_shared_secret_is_encrypted_at_rest(admin_user):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_twofactor WHERE user_id = %s", [admin_user.pk])
        (stored,) = cursor.fetchone()
    assert TOTP_SECRET not in stored and crypto.is_token(stored)
    assert TwoFactor.objects.get(user=admin_user).totp_secret == TOTP_SECRET
