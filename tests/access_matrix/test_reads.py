"""Every page, document and file of one complaint, as every actor, on every kind of complaint.

Refusals must look exactly like the answer for a number (or file id) that does not exist,
so guessing numbers reveals nothing.
"""

from __future__ import annotations

import functools

import pytest

from tests.access_matrix import endpoints, tally
from tests.access_matrix.endpoints import File, Read
from tests.access_matrix.interfaces import check, gate, same_answer
from tests.access_matrix.policy import ACTORS, KINDS, sees
from tests.access_matrix.state import missing_attachment, missing_number

READS = endpoints.rows(Read) + endpoints.rows(File)


def _url(row, key) -> str:
    return row.path.replace("{number}", str(key)).replace("{id}", str(key))


def _key(cast, row, kind, status) -> str:
    if isinstance(row, File):
        return str(cast.targets[kind].attachments[status])
    return cast.complaint(kind, status).number


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", READS, ids=str)
def test_a_complaint_is_read_only_by_those_who_see_it(cast, sessions, row, actor):
    # A fresh browser per request: a message left by one answer must not show on the next.
    client = functools.partial(sessions.client, row.interface, actor)
    missing = str(missing_attachment(cast) if isinstance(row, File) else missing_number(cast))
    reference = client().get(_url(row, missing))
    problems = []
    outcome = gate(row.interface, actor) or "hidden"
    if (why := check(row.interface, outcome, reference)) is not None:
        problems.append(f"missing: {why}")
    for status in row.statuses:
        for kind in KINDS:
            key = _key(cast, row, kind, status)
            response = client().get(_url(row, key))
            expected = gate(row.interface, actor) or ("ok" if sees(actor, kind, status)
                                                       else "hidden")
            why = check(row.interface, expected, response)
            if why is None and expected == "hidden" and not same_answer(
                    row.interface, response, reference, (_url(row, key), key),
                    (_url(row, missing), missing)):
                why = "refused, but not with the answer a missing one gets"
            if why is None and expected == "ok":
                why = _shows_it(row, response, key)
            if why is not None:
                problems.append(f"{kind} ({status}): {why}")
    tally.count(f"{row.interface} read", 1 + len(row.statuses) * len(KINDS))
    assert not problems, f"{row} as {actor}:\n" + "\n".join(problems)


def _shows_it(row, response, key) -> str | None:
    if isinstance(row, File):
        return None if response["Content-Type"].startswith("image/") else "not the photo"
    if key not in response.content.decode():
        return f"the page does not show {key}"
    return None
