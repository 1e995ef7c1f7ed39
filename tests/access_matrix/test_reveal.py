"""Showing a complainant's masked contact details in full, as every actor, on every kind.

A reveal answers with the data and writes one ``pii.reveal`` audit entry; a refused or
hidden one shows no personal data and writes nothing, and a hidden one looks exactly like
the answer for a number that does not exist.
"""

from __future__ import annotations

import functools
import json

import pytest

from anju.audit.models import AuditEntry
from tests.access_matrix import endpoints, tally
from tests.access_matrix.cast import NAMES, PHONES
from tests.access_matrix.endpoints import Reveal
from tests.access_matrix.interfaces import API, CONSOLE, check, gate, same_answer
from tests.access_matrix.policy import ACTORS, KINDS, REVEAL_STATUS, may_reveal, sees
from tests.access_matrix.state import missing_number

REVEALS = endpoints.rows(Reveal)
REASON = {"reason": "callback"}


def _send(client, row: Reveal, number: str):
    url = row.path.replace("{number}", number)
    if row.interface == API:
        return client.post(url, json.dumps(REASON), content_type="application/json")
    return client.post(url, REASON)


def _expected(row: Reveal, actor: str, kind: str) -> str:
    if (decided := gate(row.interface, actor)) is not None:
        return decided
    if not sees(actor, kind, REVEAL_STATUS):
        return "hidden"
    return "ok" if may_reveal(actor) else "refused"


def _audit_count() -> int:
    return AuditEntry.objects.filter(action="pii.reveal").count()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", REVEALS, ids=str)
def test_only_those_who_contact_complainants_reveal_them_and_every_reveal_is_logged(
        cast, sessions, row, actor):
    client = functools.partial(sessions.client, row.interface, actor)
    missing = missing_number(cast)
    url = row.path.replace("{number}", missing)
    reference = _send(client(), row, missing)
    problems = []
    if (why := check(row.interface, gate(row.interface, actor) or "hidden", reference)):
        problems.append(f"missing: {why}")
    for kind in KINDS:
        complaint = cast.complaint(kind, REVEAL_STATUS)
        complainant = cast.targets[kind].complainant
        before = _audit_count()
        response = _send(client(), row, complaint.number)
        wanted = _expected(row, actor, kind)
        detail = f"/console/c/{complaint.number}/" if row.interface == CONSOLE else ""
        why = check(row.interface, wanted, response, detail_url=detail)
        body = response.content.decode()
        if why is None and wanted == "hidden" and not same_answer(
                row.interface, response, reference,
                (row.path.replace("{number}", complaint.number), complaint.number),
                (url, missing)):
            why = "refused, but not with the answer a missing number gets"
        logged = _audit_count() - before
        if why is None and wanted == "ok":
            if PHONES[complainant] not in body or NAMES[complainant] not in body:
                why = "the full name and phone number are not in the answer"
            elif logged != 1:
                why = f"{logged} audit entries written, not one"
        elif why is None and (logged or PHONES[complainant] in body):
            why = "not allowed, yet the data was shown or a reveal logged"
        if why is not None:
            problems.append(f"{kind}: expected {wanted}: {why}")
    tally.count(f"{row.interface} reveal", 1 + len(KINDS))
    assert not problems, f"{row} as {actor}:\n" + "\n".join(problems)
