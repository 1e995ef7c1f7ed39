"""The staff password policy: Django's validators with a minimum of 10, plus letters and digits."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.security_signin.conftest import PASSWORD, text

WEAK = {
    "short": "abc12345",            # under ten characters
    "common": "password123",       # on the list of common passwords
    "numeric": "1234598765",       # digits only
    "letters": "correcthorsebattery",  # no digit
    "similar": "lanternriver7",    # too like the user name
}


@pytest.mark.parametrize("kind", sorted(WEAK))
def test_a_weak_password_is_refused(django_user_model, kind):
    user = django_user_model(username="lanternriver")
    with pytest.raises(ValidationError):
        validate_password(WEAK[kind], user=user)


def test_a_good_password_passes(agent):
    validate_password("Lantern-river-2046", user=agent)


def test_the_validators_are_configured():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == ["UserAttributeSimilarityValidator", "MinimumLengthValidator",
                     "CommonPasswordValidator", "NumericPasswordValidator",
                     "LettersAndDigitsValidator"]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] == {"min_length": 10}


def test_the_console_refuses_a_weak_new_password(client, agent):
    client.force_login(agent)
    assert client.get("/console/password/").status_code == 200
    response = client.post("/console/password/", {
        "old_password": PASSWORD, "new_password1": "abcdefghij", "new_password2": "abcdefghij"})
    assert response.status_code == 200
    assert "must contain both letters and digits" in text(response)
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_the_console_changes_a_good_password_and_keeps_the_session(client, agent):
    client.force_login(agent)
    response = client.post("/console/password/", {
        "old_password": PASSWORD, "new_password1": "Lantern-river-2046",
        "new_password2": "Lantern-river-2046"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("Lantern-river-2046")
    assert client.get("/console/").status_code == 200


def test_the_admin_refuses_a_weak_password_for_a_user(client, admin_user, agent):
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{agent.pk}/password/"
    response = client.post(url, {"password1": "short1", "password2": "short1", "usable_password": "true"})
    assert response.status_code == 200
    assert "This password is too short" in text(response)
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)


def test_a_password_like_the_persons_name_is_refused(django_user_model):
    user = django_user_model(username="s1001", name="Zhang Lantern")
    with pytest.raises(ValidationError, match="too similar"):
        validate_password("zhanglantern9", user=user)
