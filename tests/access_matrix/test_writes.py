"""Every action of every interface, as every actor, on every kind of complaint.

Each action is tried on a complaint in a status it may start from (policy.PROBE_STATUS),
with a body that is valid for someone allowed, so the access policy alone decides. A
success must append the action's event; a refusal must leave the database untouched.
"""

from __future__ import annotations

import functools
import json

import pytest

from tests.access_matrix import endpoints, tally
from tests.access_matrix.cast import photo
from tests.access_matrix.endpoints import Act
from tests.access_matrix.interfaces import CONSOLE, PORTAL, check, gate, same_answer
from tests.access_matrix.payloads import TEXT, api_body, console_form, portal_form
from tests.access_matrix.policy import ACTORS, KINDS, PROBE_STATUS, may_act, sees
from tests.access_matrix.state import ATTACHMENTS, EVENTS, last_event, missing_number, snapshot

ACTS = endpoints.rows(Act)


def url_of(row: Act, cast, kind: str, number: str) -> str:
    url = row.path.replace("{number}", number)
    if "{form}" in url:
        url = url.replace("{form}", console_form(cast, kind, row.action)[0])
    return url


def send(client, row: Act, cast, kind: str, number: str, version: int):
    url = url_of(row, cast, kind, number)
    if row.interface == CONSOLE:
        return client.post(url, {**console_form(cast, kind, row.action)[1], "version": version})
    if row.interface == PORTAL:
        return client.post(url, {**portal_form(row.action), "version": version})
    if row.write == "upload":
        return client.post(url, {"file": photo(), "note": TEXT["note"], "version": version})
    body = {"note": TEXT["note"]} if row.write == "note" else api_body(cast, kind, row.action)
    return client.post(url, json.dumps({**body, "version": version}),
                       content_type="application/json")


def expected(row: Act, actor: str, kind: str) -> str:
    if (decided := gate(row.interface, actor)) is not None:
        return decided
    if not sees(actor, kind, PROBE_STATUS[row.action]):
        return "hidden"
    return "done" if may_act(actor, row.action) else "refused"


def detail_url(row: Act, number: str) -> str:
    return {CONSOLE: f"/console/c/{number}/", PORTAL: f"/portal/c/{number}/"}.get(
        row.interface, "")


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", ACTS, ids=str)
def test_a_write_changes_only_what_the_policy_allows(cast, sessions, row, actor):
    # A fresh browser per request: a message left by one answer must not show on the next.
    client = functools.partial(sessions.client, row.interface, actor)
    missing = missing_number(cast)
    reference = send(client(), row, cast, "own", missing, version=1)
    problems = []
    outcome = gate(row.interface, actor) or "hidden"
    if (why := check(row.interface, outcome, reference, write=row.write)) is not None:
        problems.append(f"missing: {why}")
    for kind in KINDS:
        complaint = cast.complaint(kind, PROBE_STATUS[row.action])
        before = snapshot(complaint.pk)
        response = send(client(), row, cast, kind, complaint.number,
                        version=before["complaint"]["version"])
        after = snapshot(complaint.pk)
        wanted = expected(row, actor, kind)
        why = check(row.interface, wanted, response, detail_url=detail_url(row, complaint.number),
                    write=row.write)
        if why is None and wanted == "hidden" and not same_answer(
                row.interface, response, reference,
                (url_of(row, cast, kind, complaint.number), complaint.number),
                (url_of(row, cast, "own", missing), missing)):
            why = "refused, but not with the answer a missing number gets"
        if why is None:
            why = changed(row, complaint.pk, before, after) if wanted == "done" else (
                unchanged(before, after))
        if why is not None:
            problems.append(f"{kind}: expected {wanted}: {why}")
    tally.count(f"{row.interface} write", 1 + len(KINDS))
    assert not problems, f"{row} as {actor}:\n" + "\n".join(problems)


def changed(row: Act, pk: int, before: dict, after: dict) -> str | None:
    if after["complaint"]["version"] != before["complaint"]["version"] + 1:
        return "the complaint's version did not move on"
    if after["counts"][EVENTS] != before["counts"][EVENTS] + 1:
        return f"{after['counts'][EVENTS] - before['counts'][EVENTS]} events appended, not one"
    if (event := last_event(pk)) != f"complaint.{row.action}":
        return f"the new event is {event!r}"
    if row.write == "upload" and after["counts"][ATTACHMENTS] != before["counts"][ATTACHMENTS] + 1:
        return "the file was not attached"
    return None


def unchanged(before: dict, after: dict) -> str | None:
    if before != after:
        changes = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        return f"refused, yet the database changed: {changes}"
    return None
