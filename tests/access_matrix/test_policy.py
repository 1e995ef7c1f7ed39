"""Hand-checked corners of the policy: the role table, confidentiality, probing by number."""

from __future__ import annotations

import json

import pytest

from anju.complaints.models import Status
from tests.access_matrix import tally
from tests.access_matrix.interfaces import API, CONSOLE, same_answer
from tests.access_matrix.policy import ACTORS, CROSS_CHECKS, KINDS, SEES_CONFIDENTIAL, may_act, sees
from tests.access_matrix.state import missing_number, snapshot


@pytest.mark.parametrize(("actor", "action"), sorted(CROSS_CHECKS))
def test_the_roles_derived_from_the_transition_table_match_the_hand_written_ones(actor, action):
    tally.count("role cross-checks")
    assert may_act(actor, action) is CROSS_CHECKS[(actor, action)]


# Confidential complaints: quality and administrators, and the person who complained.
READS_CONFIDENTIAL = SEES_CONFIDENTIAL | {"resident"}


@pytest.mark.parametrize("actor", ACTORS)
def test_confidential_complaints_open_only_to_quality_administrators_and_the_complainant(
        cast, sessions, actor):
    client = sessions.client(API, actor)
    target = cast.targets["confidential"]
    answers = set()
    for status, complaint in target.complaints.items():
        answers.add(client.get(f"/api/v1/complaints/{complaint.number}").status_code)
        answers.add(sessions.client("browser", actor).get(
            f"/files/{target.attachments[status]}/").status_code)
    listed = client.get("/api/v1/complaints", {"limit": 100})
    numbers = {i["number"] for i in listed.json()["items"]} if listed.status_code == 200 else set()
    tally.count("confidential", 2 * len(target.complaints) + 1)
    if actor in READS_CONFIDENTIAL:
        assert answers == {200}
        assert {c.number for c in target.complaints.values()} <= numbers
    else:
        assert answers <= {401, 404}, answers
        assert not numbers & {c.number for c in target.complaints.values()}


def _merge(client, interface: str, number: str, into: str, version: int):
    if interface == API:
        return client.post(f"/api/v1/complaints/{number}/actions/merge",
                           json.dumps({"into_number": into, "version": version}),
                           content_type="application/json")
    return client.post(f"/console/c/{number}/act/merge/", {"into_number": into,
                                                           "version": version})


@pytest.mark.parametrize("interface", [CONSOLE, API])
@pytest.mark.parametrize("actor", ["agent", "manager", "supervisor"])
def test_merging_into_a_complaint_out_of_reach_reads_like_a_missing_number(
        cast, sessions, interface, actor):
    """The "merge into" box must not become a way to probe numbers of other estates."""
    source = cast.complaint("own", Status.ASSIGNED)
    before = snapshot(source.pk)
    client = sessions.client(interface, actor)
    missing = missing_number(cast)
    reference = _merge(client, interface, source.number, missing, source.version)
    assert reference.status_code in (400, 422)
    for kind in ("estate_b", "confidential"):
        into = cast.complaint(kind, Status.IN_PROGRESS).number
        client = sessions.client(interface, actor)
        response = _merge(client, interface, source.number, into, source.version)
        path = f"/console/c/{source.number}/"
        assert same_answer(interface, response, reference, (path, into), (path, missing)), kind
        tally.count("merge probing")
    assert snapshot(source.pk) == before


@pytest.mark.parametrize("actor", ["agent", "handler", "quality"])
def test_an_unknown_console_action_answers_alike_for_every_number(cast, sessions, actor):
    client = sessions.client(CONSOLE, actor)
    reference = client.post(f"/console/c/{missing_number(cast)}/act/nonsense/", {"version": 1})
    for kind in KINDS:
        complaint = cast.complaint(kind, Status.ASSIGNED)
        response = sessions.client(CONSOLE, actor).post(
            f"/console/c/{complaint.number}/act/nonsense/", {"version": complaint.version})
        assert response.status_code == reference.status_code == 404
        tally.count("unknown actions")


@pytest.mark.parametrize("actor", ["resident", "agent", "agent_b", "handler", "quality"])
def test_the_api_called_with_a_browser_session_obeys_the_same_policy(cast, sessions, actor):
    """The console's sign-in also opens the API; it must not open more than an API key."""
    problems = []
    for kind in KINDS:
        for status in (Status.RECEIVED, Status.ASSIGNED, Status.CLOSED):
            complaint = cast.complaint(kind, status)
            browser = sessions.client(CONSOLE, actor)
            answer = browser.get(f"/api/v1/complaints/{complaint.number}").status_code
            if answer != (200 if sees(actor, kind, status) else 404):
                problems.append(f"{kind} ({status}): {answer}")
            tally.count("api by session")
    assert not problems, "\n".join(problems)
