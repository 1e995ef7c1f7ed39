import pytest
from django.conf import settings


@pytest.mark.django_db
def test_pages_are_chinese_even_when_the_browser_asks_for_english(client):
    response = client.get("/console/login/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_choice_wins(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/console/login/")
    assert response["Content-Language"] == "en"
    assert "Sign in" in response.content.decode()


@pytest.mark.django_db
def test_the_api_follows_accept_language(client):
    response = client.get("/api/v1/me", headers={"accept-language": "en"})
    assert response.status_code == 401
    assert response["Content-Language"] == "en"
