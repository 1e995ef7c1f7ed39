"""Rate limits on public endpoints: the portal's submissions and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from anju.accounts.models import ApiToken
from anju.complaints.models import Complaint
from anju.lib.env import Rate, parse_rate
from anju.security import ratelimit
from tests.api.conftest import error_of
from tests.security_signin.conftest import text

RATES = {"api_token": Rate(3, 60), "api_address": Rate(2, 60),
         "portal_submit_resident": Rate(2, 3600), "portal_submit_address": Rate(3, 3600)}


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.ANJU_RATES = RATES


def submit(client, categories, n, **extra):
    return client.post(reverse("portal:new"), {
        "category": categories["repair"].pk, "description": f"第{n}次：楼道灯不亮",
        "idempotency_key": f"{n:032d}"}, **extra)


# --------------------------------------------------------------------------- portal


def test_a_resident_over_the_limit_gets_a_429_page_and_nothing_is_saved(client, resident, categories):
    client.force_login(resident.user)
    for n in range(2):
        assert submit(client, categories, n).status_code == 302
    response = submit(client, categories, 3)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "You have sent a lot in a short time" in text(response)
    assert Complaint.objects.count() == 2


def test_the_portal_page_is_translated(client, resident, categories, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(resident.user)
    for n in range(3):
        response = submit(client, categories, n)
    assert response.status_code == 429 and "请稍候" in text(response)


def test_residents_sharing_an_address_are_limited_together(client, resident, other_resident, categories,
                                                          settings):
    settings.ANJU_RATES = {**RATES, "portal_submit_resident": Rate(10, 3600)}
    client.force_login(resident.user)
    for n in range(2):
        submit(client, categories, n, REMOTE_ADDR="198.51.100.30")
    neighbour = Client()
    neighbour.force_login(other_resident.user)
    assert submit(neighbour, categories, 10, REMOTE_ADDR="198.51.100.30").status_code in {302, 422}
    assert submit(neighbour, categories, 11, REMOTE_ADDR="198.51.100.30").status_code == 429
    assert submit(neighbour, categories, 12, REMOTE_ADDR="198.51.100.31").status_code != 429


def test_reading_the_form_is_not_counted(client, resident):
    client.force_login(resident.user)
    for _ in range(5):
        assert client.get(reverse("portal:new")).status_code == 200


# --------------------------------------------------------------------------- API


def test_an_api_key_over_its_limit_gets_the_json_error_with_retry_after(client, agent):
    _token, key = ApiToken.issue(user=agent, name="desk")
    headers = {"Authorization": f"Bearer {key}"}
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    error = error_of(response)
    assert error["code"] == "too_many_requests" and "Please wait" in error["message"]
    # Another key is counted on its own.
    _token, other = ApiToken.issue(user=agent, name="other")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_callers_without_a_key_are_limited_per_address(client, db):
    for _ in range(2):
        assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 429 and "请" in error_of(response)["message"]
    assert client.get("/api/v1/me", REMOTE_ADDR="198.51.100.40").status_code == 401


def test_the_api_limit_costs_no_database_query(client, db, django_assert_num_queries):
    for _ in range(3):
        client.get("/api/v1/me", headers={"Authorization": "Bearer anju_unknown"})
    with django_assert_num_queries(0):
        response = client.get("/api/v1/me", headers={"Authorization": "Bearer anju_unknown"})
    assert response.status_code == 429


# --------------------------------------------------------------------------- the limiter


def test_the_window_resets(db):
    assert parse_rate("x", "2/minute") == Rate(limit=2, seconds=60)
    start = 1_000_000 * 60.0
    assert ratelimit.hit("api_address", "k", now=start) is None
    assert ratelimit.hit("api_address", "k", now=start + 1) is None
    assert ratelimit.hit("api_address", "k", now=start + 2) == 58
    assert ratelimit.hit("api_address", "k", now=start + 60) is None


@pytest.mark.parametrize("bad", ["many/minute", "10/fortnight", "0/hour", "10", "5/0s"])
def test_a_malformed_rate_stops_with_a_clear_message(bad):
    with pytest.raises(ImproperlyConfigured, match=r"ANJU_RATE_API_TOKEN=.*second\|minute"):
        parse_rate("ANJU_RATE_API_TOKEN", bad)


@pytest.mark.parametrize(("text_rate", "limit", "seconds"),
                         [("600/minute", 600, 60), ("20/hour", 20, 3600), ("5/30s", 5, 30),
                          ("1/day", 1, 86400), ("3/minutes", 3, 60)])
def test_rates_are_read_as_written(text_rate, limit, seconds):
    assert parse_rate("r", text_rate) == Rate(limit, seconds)
