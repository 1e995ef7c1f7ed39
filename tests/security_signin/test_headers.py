"""Security headers on the console, the portal, the API and the admin."""

from __future__ import annotations

import pytest

from anju.accounts.models import ApiToken

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")


def assert_secure_headers(response):
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


@pytest.mark.parametrize("path", ["/console/login/", "/portal/signin/", "/api/v1/openapi.json",
                                  "/api/v1/docs", "/api/v1/nowhere"])
def test_public_pages_carry_the_headers(client, db, path):
    assert_secure_headers(client.get(path))


def test_signed_in_console_portal_and_admin_pages_carry_them(client, agent, resident, admin_user):
    client.force_login(agent)
    assert_secure_headers(client.get("/console/"))
    client.force_login(resident.user)
    assert_secure_headers(client.get("/portal/"))
    client.force_login(admin_user)
    for path in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{agent.pk}/change/"):
        response = client.get(path)
        assert response.status_code == 200
        assert_secure_headers(response)


def test_api_answers_with_a_key_carry_them(client, agent):
    _token, key = ApiToken.issue(user=agent, name="t")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert_secure_headers(response)


def test_redirects_and_errors_carry_them(client, world):
    assert_secure_headers(client.get("/console/"))  # redirect to sign in
    assert_secure_headers(client.get("/portal/c/TS000/"))
    assert_secure_headers(client.post("/console/login/", {}))
