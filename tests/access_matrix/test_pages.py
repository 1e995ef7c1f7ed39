"""Pages about no complaint: public pages, one's own account, the API's reference data."""

from __future__ import annotations

import pytest

from tests.access_matrix import endpoints, tally
from tests.access_matrix.endpoints import OwnAccount, Public, Reference
from tests.access_matrix.interfaces import API, check, gate
from tests.access_matrix.policy import ACTORS, REACH, ROLE
from tests.access_matrix.state import NUMBER


def _no_complaint_shown(response) -> bool:
    return not NUMBER.search(response.content.decode(errors="replace")
                             + response.get("Location", ""))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", endpoints.rows(Public), ids=str)
def test_public_pages_open_to_anyone_and_show_no_complaint(cast, sessions, row, actor):
    client = sessions.client(API if row.path.startswith("/api/") else "browser", actor)
    response = getattr(client, row.method)(row.path)
    tally.count("public pages")
    assert response.status_code in row.statuses, (response.status_code, response.get("Location"))
    assert _no_complaint_shown(response)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", endpoints.rows(OwnAccount), ids=str)
def test_own_account_pages_are_for_signed_in_staff(cast, sessions, row, actor):
    response = sessions.client(row.interface, actor).get(row.path)
    tally.count("own account pages")
    expected = gate(row.interface, actor) or "ok"
    assert check(row.interface, expected, response) is None, (
        expected, response.status_code, response.get("Location"))
    assert _no_complaint_shown(response)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", endpoints.rows(Reference), ids=str)
def test_reference_data_is_for_signed_in_callers_within_their_reach(cast, sessions, row, actor):
    response = sessions.client(API, actor).get(row.path)
    tally.count("api reference")
    expected = gate(API, actor) or "ok"
    assert check(API, expected, response) is None, (expected, response.status_code)
    assert _no_complaint_shown(response)
    if expected != "ok":
        return
    body = response.json()
    if row.path.endswith("/estates"):
        assert {e["code"] for e in body} == set(REACH[actor])
    if row.path.endswith("/me"):
        assert body["role"] == ROLE[actor]
        assert set(body["estates"]) == set(REACH[actor])
        assert body["id"] == cast.users[actor].pk

