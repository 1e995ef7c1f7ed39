"""Who may call the API: keys, sessions with CSRF, and the public documentation."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from anju.accounts.models import ApiToken
from tests.api.conftest import ApiClient, error_of


def test_a_request_without_credentials_is_401_in_the_error_shape(api_for, agent):
    response = api_for(None).get("/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_every_operation_needs_credentials(api_for, new_complaint):
    number = new_complaint().number
    anonymous = api_for(None)
    for response in [
        anonymous.get("/complaints"), anonymous.get(f"/complaints/{number}"),
        anonymous.post("/complaints", {"estate": "a", "description": "x"}),
        anonymous.post(f"/complaints/{number}/actions/verify", {}),
        anonymous.post(f"/complaints/{number}/notes", {"note": "x"}),
        anonymous.get("/categories"), anonymous.get("/estates"), anonymous.get("/departments"),
    ]:
        assert response.status_code == 401, response.content


def test_a_wrong_key_is_401(agent):
    for header in ["Bearer anju_not-a-real-key", "Bearer ", "Token abc", "Bearer " + "x" * 500]:
        response = Client().get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert error_of(response)["code"] == "unauthorized"


def test_a_valid_key_identifies_its_user(api_for, agent):
    response = api_for(agent).get("/me")
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "agent" and me["role"] == "agent"
    assert me["estates"] == ["a"] and me["all_estates"] is False


def test_a_revoked_key_is_401(agent):
    token, key = ApiToken.issue(user=agent, name="bridge")
    assert ApiClient(key).get("/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    response = ApiClient(key).get("/me")
    assert response.status_code == 401


def test_a_key_of_a_deactivated_user_is_401(agent):
    _token, key = ApiToken.issue(user=agent, name="bridge")
    agent.is_active = False
    agent.save()
    assert ApiClient(key).get("/me").status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(agent):
    token, key = ApiToken.issue(user=agent, name="bridge")
    client = ApiClient(key)
    client.get("/me")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/me")
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/me")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_signed_in_browser_session_can_read_the_api(agent):
    client = Client()
    client.force_login(agent)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "agent"


def test_a_session_needs_the_csrf_token_for_unsafe_methods(agent, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    body = {"estate": "a", "description": "楼道灯不亮"}

    refused = client.post("/api/v1/complaints", body, content_type="application/json")
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "csrf_failed"

    client.get("/api/v1/docs")  # any page that renders a token sets the cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/complaints", body, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_a_key_needs_no_csrf_token(world, agent):
    _token, key = ApiToken.issue(user=agent, name="bridge")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    response = client.post("/api/v1/complaints", {"estate": "a", "description": "楼道灯不亮"},
                           content_type="application/json")
    assert response.status_code == 201


def test_the_openapi_document_and_the_docs_page_are_public(db):
    client = Client()
    assert client.get("/api/v1/openapi.json").status_code == 200
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200


def test_the_docs_page_loads_only_local_assets(db):
    html = Client().get("/api/v1/docs").content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, html
    assert all(ref.startswith("/static/") for ref in references), references
    assert "http://" not in html and "https://" not in html
    # Swagger UI would otherwise fetch a badge from its online validator.
    assert '"validatorUrl": null' in html


def test_one_query_loads_the_caller_with_role_reach_and_resident_link(
        agent, resident, django_assert_num_queries):
    from anju.api.keys import user_for_api_key
    from anju.complaints.access import role_of

    _token, staff_key = ApiToken.issue(user=agent, name="desk")
    resident.user.api_tokens.all().delete()
    _token, resident_key = ApiToken.issue(user=resident.user, name="app")
    ApiToken.objects.update(last_used_at=timezone.now())  # no last-use write in this test
    with django_assert_num_queries(1):
        user = user_for_api_key(staff_key)
        assert role_of(user) == "agent"
        assert user.staff.all_estates is False and user.username == agent.username
    with django_assert_num_queries(1):
        user = user_for_api_key(resident_key)
        assert role_of(user) == "resident"
        assert user.resident.pk == resident.pk
    # A deferred field loads when read, with the value the database holds.
    assert user_for_api_key(resident_key).resident.name == resident.name
