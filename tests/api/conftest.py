"""API fixtures: a client per caller, authenticated with a real API key."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from anju.accounts.models import ApiToken


class ApiClient:
    """django.test.Client speaking JSON to /api/v1/ with a bearer key."""

    def __init__(self, key: str | None = None, language: str = "en") -> None:
        headers = {"Accept-Language": language}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self.client = Client(headers=headers)

    def get(self, path, params=None, **headers):
        return self.client.get(f"/api/v1{path}", params or {}, headers=headers)

    def post(self, path, data=None, **headers):
        body = json.dumps(data) if data is not None else ""
        return self.client.post(f"/api/v1{path}", body, content_type="application/json",
                                headers=headers)

    def post_raw(self, path, body, content_type="application/json", **headers):
        return self.client.post(f"/api/v1{path}", body, content_type=content_type, headers=headers)

    def upload(self, path, data):
        return self.client.post(f"/api/v1{path}", data)

    def request(self, method, path, **headers):
        return self.client.generic(method, f"/api/v1{path}", headers=headers)


@pytest.fixture
def api_for(db):
    """api_for(user, language="en") → an ApiClient holding a fresh key of ``user``."""

    def make(user=None, language="en"):
        if user is None:
            return ApiClient(language=language)
        _token, key = ApiToken.issue(user=user, name="tests")
        return ApiClient(key, language)

    return make


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]
