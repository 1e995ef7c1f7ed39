"""One error shape everywhere, in the caller's language."""

from django.test import Client
from django.utils import translation

from anju.accounts.models import ApiToken
from anju.complaints.models import Status
from anju.lib.errors import IllegalTransition
from tests.api.conftest import ApiClient, error_of


def test_an_unknown_route_is_a_json_404(api_for, agent):
    for path in ["/nothing-here", "/complaints/TS1/unknown", "/"]:
        response = api_for(agent).get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


def test_a_wrong_method_is_a_json_405_with_allow(api_for, agent):
    response = api_for(agent).request("DELETE", "/complaints")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_a_form_encoded_body_is_malformed_json(api_for, agent, world):
    response = api_for(agent).post_raw("/complaints", "estate=a&description=x",
                                       content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_json"


def test_field_messages_are_chinese_by_default_and_for_zh_hans(api_for, agent, world):
    for language in ["zh-hans", "zh-CN,zh;q=0.9", None]:
        client = api_for(agent, language=language) if language else _no_language(agent)
        response = client.post("/complaints", {"estate": "a"})
        assert response.status_code == 422
        assert error_of(response)["fields"]["description"] == ["这个字段是必填项。"], language
        assert response["Content-Language"] == "zh-hans"


def test_field_messages_are_english_for_en(api_for, agent, world):
    response = api_for(agent, language="en").post("/complaints", {"estate": "a"})
    error = error_of(response)
    assert error["fields"]["description"] == ["This field is required."]
    assert error["message"] == "Some of the information is missing or not valid."
    assert response["Content-Language"] == "en"


def test_domain_errors_are_rendered_in_the_request_language(api_for, agent, new_complaint):
    number = new_complaint().number
    for language in ("en", "zh-hans"):
        response = api_for(agent, language=language).post(f"/complaints/{number}/actions/rate",
                                                           {"satisfaction": 5})
        with translation.override(language):
            expected = str(IllegalTransition(status=str(Status.RECEIVED.label)))
        assert error_of(response)["message"] == expected
        if language == "en":
            assert expected == "This action is not possible while the complaint is “Received”."


def _no_language(user):
    _token, key = ApiToken.issue(user=user, name="tests")
    client = ApiClient()
    client.client = Client(headers={"Authorization": f"Bearer {key}"})
    return client


def test_an_unexpected_failure_is_a_json_500_and_is_logged(api_for, agent, world, monkeypatch,
                                                          caplog):
    from anju.complaints import services

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "complaint_create", broken)
    response = api_for(agent).post("/complaints", {"estate": "a", "description": "漏水"})
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error" and "disk on fire" not in error["message"]
    assert any("disk on fire" in str(r.exc_info) for r in caplog.records if r.exc_info)
