"""Signing in to the console: staff only; residents are sent to the portal."""

from tests.console.conftest import PASSWORD, page_text


def test_a_staff_member_signs_in_with_user_name_and_password(client, agent):
    response = client.post("/console/login/", {"username": "agent", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_sign_in_returns_to_the_page_asked_for(client, agent):
    response = client.post("/console/login/?next=/console/new/",
                           {"username": "agent", "password": PASSWORD, "next": "/console/new/"})
    assert response["Location"] == "/console/new/"


def test_a_wrong_password_is_a_clear_message(client, agent):
    response = client.post("/console/login/", {"username": "agent", "password": "nope"})
    assert response.status_code == 200
    assert "The user name or password is not right" in page_text(response)


def test_a_resident_with_a_password_is_refused_and_pointed_to_the_portal(client, resident):
    resident.user.set_password(PASSWORD)
    resident.user.save()
    response = client.post("/console/login/", {"username": resident.user.username,
                                               "password": PASSWORD})
    text = page_text(response)
    assert response.status_code == 200
    assert "This console is for property staff" in text
    assert 'href="/portal/"' in text
    assert "_auth_user_id" not in client.session


def test_a_signed_in_resident_gets_a_staff_only_page(client, resident):
    client.force_login(resident.user)
    response = client.get("/console/")
    assert response.status_code == 403
    assert "resident portal" in page_text(response)


def test_an_account_without_a_staff_profile_is_refused(client, django_user_model):
    django_user_model.objects.create_user(username="nobody", password=PASSWORD)
    response = client.post("/console/login/", {"username": "nobody", "password": PASSWORD})
    assert "no staff profile" in page_text(response)


def test_strangers_are_sent_to_sign_in(client, world):
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=/console/")


def test_signing_out_ends_the_session(client, agent):
    client.force_login(agent)
    response = client.post("/console/logout/")
    assert response.status_code == 302
    assert client.get("/console/").status_code == 302


def test_the_top_bar_shows_name_role_and_what_the_role_may_do(client, agent, handler, quality):
    client.force_login(agent)
    text = page_text(client.get("/console/"))
    assert "客服小李" in text and "Customer-service agent" in text
    assert 'href="/console/new/"' in text
    assert 'href="/admin/"' not in text

    client.force_login(handler)
    text = page_text(client.get("/console/"))
    assert 'href="/console/new/"' not in text

    # The administration link needs the role and the admin flag without which the site is
    # shut (anju.staff.policy.may_open_admin): no dead link for quality without it.
    client.force_login(quality)
    assert 'href="/admin/"' not in page_text(client.get("/console/"))
    quality.is_staff = True
    quality.save(update_fields=["is_staff"])
    assert 'href="/admin/"' in page_text(client.get("/console/"))


def test_the_language_switch_posts_to_setlang(client, agent):
    client.force_login(agent)
    text = page_text(client.get("/console/"))
    assert 'action="/i18n/setlang/"' in text
    assert 'name="language" value="zh-hans"' in text
