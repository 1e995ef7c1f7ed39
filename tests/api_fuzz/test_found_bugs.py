"""Server errors schemathesis (and probing around them) found, pinned so they stay fixed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import error_of


def test_a_huge_list_offset_is_refused_not_a_server_error(api_for, agent):
    response = api_for(agent).get("/complaints", {"offset": str(2**88)})
    assert response.status_code == 422
    assert "offset" in error_of(response)["fields"]


@pytest.mark.parametrize("params", [{"created_after": "0001-01-01"},
                                    {"created_before": "0001-01-01T00:00:00+14:00"},
                                    {"created_before": "9999-12-31T23:59:59-14:00"}])
def test_dates_near_year_1_or_9999_are_refused_in_list_filters(api_for, agent, params):
    response = api_for(agent).get("/complaints", params)
    assert response.status_code == 422
    [field] = error_of(response)["fields"]
    assert error_of(response)["fields"][field] == ["Enter a date between the years 1900 and 2999."]


def test_a_year_1_occurrence_is_refused_by_the_api(api_for, agent, world):
    response = api_for(agent).post("/complaints", {"estate": "a", "description": "电梯异响",
                                                   "occurred_at": "0001-01-01T00:00:00+14:00"})
    assert response.status_code == 422 and "occurred_at" in error_of(response)["fields"]


def test_a_year_1_occurrence_is_refused_by_the_portal(resident):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(resident.user)
    response = client.post(reverse("portal:new"), {"description": "漏水", "idempotency_key": "k" * 32,
                                                   "occurred_at": "0001-01-01T00:30"})
    assert response.status_code == 422
    assert "Enter a date between the years 1900 and 2999." in response.content.decode()


def test_offsets_postgresql_cannot_store_are_accepted_as_utc(api_for, agent, world):
    # Python accepts offsets up to ±23:59, PostgreSQL only up to ±15:59.
    client = api_for(agent)
    listed = client.get("/complaints", {"created_after": "2020-08-20T00:34:40-16:47"})
    assert listed.status_code == 200
    created = client.post("/complaints", {"estate": "a", "description": "电梯异响",
                                          "occurred_at": "2020-08-20T00:34:40-16:47"})
    assert created.status_code == 201
    detail = client.get(f"/complaints/{created.json()['number']}").json()
    assert detail["occurred_at"] == "2020-08-21T01:21:40+08:00"
