"""Helpers for the sign-in tests: English pages, passwords and authenticator codes."""

from __future__ import annotations

import pyotp
import pytest

from tests.conftest import TOTP_SECRET

PASSWORD = "anju-test-pass-1"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def totp_now(secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def sign_in(client, username, password=PASSWORD, *, next_url=None, **extra):
    data = {"username": username, "password": password}
    url = "/console/login/"
    if next_url:
        data["next"] = next_url
        url += f"?next={next_url}"
    return client.post(url, data, **extra)


def text(response) -> str:
    return response.content.decode()
