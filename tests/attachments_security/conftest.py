"""Fixtures: a signed-in resident's browser and API clients (tests/api/conftest.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.api.conftest import api_for  # noqa: F401  (re-exported fixture)


@pytest.fixture
def resident_client(resident):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(resident.user)
    return client


def served_bytes(client: Client, url: str):
    """GET a /files/ URL and return (response, body)."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body
