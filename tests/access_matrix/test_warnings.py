"""The warnings board and the acknowledge / comment of a warning, as every actor.

One warning is raised about each kind of complaint (dispatched, so most actors see some).
The board lists exactly the warnings about the complaints the actor sees; a write on a
warning about a complaint they do not see answers like a warning that does not exist and
changes nothing; roles that do not watch warnings are refused before anything is looked at.
"""

from __future__ import annotations

import functools
import re

import pytest

from anju.complaints.models import Status
from anju.warnings.models import Kind, Warning, WarningComment
from anju.warnings.services import Draft, raise_warnings
from tests.access_matrix import endpoints, tally
from tests.access_matrix.endpoints import WarningBoard, WarningWrite
from tests.access_matrix.interfaces import check, gate, same_answer
from tests.access_matrix.policy import ACTORS, KINDS, WATCHES_WARNINGS, sees

STATUS = Status.ASSIGNED
BOARDS = endpoints.rows(WarningBoard)
WRITES = endpoints.rows(WarningWrite)


def _raise(cast, *, dead_letters: bool = False) -> dict[str, Warning]:
    """One warning per kind of complaint; dead-letter warnings for the retry row (retrying
    acknowledges the warning, which is how a done retry shows)."""
    drafts = []
    for kind in KINDS:
        complaint = cast.complaint(kind, STATUS)
        if dead_letters:
            drafts.append(Draft(kind=Kind.DEAD_LETTER, key=f"matrix:{kind}", reason_code="bus.dead_letter",
                                complaint_id=complaint.pk, estate_id=complaint.estate_id,
                                department_id=complaint.department_id,
                                data={"delivery": 0, "subscriber": "tests.matrix", "attempts": 8,
                                      "event": "complaint.received", "number": complaint.number,
                                      "error": "boom"}))
            continue
        drafts.append(Draft(kind=Kind.ESCALATION_RISK, key=f"matrix:{kind}",
                            reason_code="escalation_words", complaint_id=complaint.pk,
                            related_ids=(complaint.pk,), estate_id=complaint.estate_id,
                            department_id=complaint.department_id, data={"words": ["律师"]}))
    raise_warnings(drafts)
    return {w.key.removeprefix("matrix:"): w for w in Warning.objects.filter(key__startswith="matrix:")}


def _listed(body: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<article [^>]*id="warning-(\d+)"', body)}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", BOARDS, ids=str)
def test_the_board_lists_exactly_the_warnings_in_reach(cast, sessions, row, actor):
    warnings = _raise(cast)
    response = sessions.client(row.interface, actor).get(row.path)
    decided = gate(row.interface, actor)
    tally.count("console warnings board", 1)
    if decided is not None:
        assert check(row.interface, decided, response) is None
        return
    if actor not in WATCHES_WARNINGS:
        assert response.status_code == 403, f"{actor}: expected 403, got {response.status_code}"
        assert _listed(response.content.decode()) == set()
        return
    assert response.status_code == 200
    expected = {warnings[kind].pk for kind in KINDS if sees(actor, kind, STATUS)}
    assert _listed(response.content.decode()) == expected, actor


def _state(warning: Warning) -> tuple:
    warning.refresh_from_db()
    return warning.acknowledged_at, WarningComment.objects.filter(warning=warning).count()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", WRITES, ids=str)
def test_only_watchers_acknowledge_and_comment_on_warnings_they_see(cast, sessions, row, actor):
    warnings = _raise(cast, dead_letters=row.write == "retry")
    client = functools.partial(sessions.client, row.interface, actor)
    body = {"text": "已跟进"}
    missing_id = str(max(w.pk for w in warnings.values()) + 1000)
    missing_url = row.path.replace("{id}", missing_id)
    problems = []
    for kind in KINDS:
        warning = warnings[kind]
        url = row.path.replace("{id}", str(warning.pk))
        before = _state(warning)
        response = client().post(url, body)
        after = _state(warning)
        decided = gate(row.interface, actor)
        if decided is not None:
            why = check(row.interface, decided, response)
            wanted = decided
        elif actor not in WATCHES_WARNINGS:
            wanted = "refused"
            why = None if response.status_code == 403 else f"got {response.status_code}"
        elif not sees(actor, kind, STATUS):
            wanted = "hidden"
            why = check(row.interface, "hidden", response)
            # Asked right after, so both pages show the same badge count (earlier writes change it).
            reference = client().post(missing_url, body)
            if why is None and not same_answer(row.interface, response, reference,
                                               (url, str(warning.pk)), (missing_url, missing_id)):
                why = "not the answer a missing warning gets"
        else:
            wanted = "done"
            why = None if (response.status_code, response["Location"]) == (302, "/console/warnings/") \
                else f"got {response.status_code}"
        changed = after != before
        if why is None and changed != (wanted == "done"):
            why = f"changed={changed}"
        if why is not None:
            problems.append(f"{kind}: expected {wanted}: {why}")
    tally.count(f"console warning {row.write}", len(KINDS))
    assert not problems, f"{row} as {actor}:\n" + "\n".join(problems)
