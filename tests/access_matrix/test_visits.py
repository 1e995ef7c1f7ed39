"""Return visits (anju/visits) as every actor: the way from the complaint page, the list,
the call screen and its writes.

A return visit is opened on the resolved complaint of each kind. The list shows exactly
the visits of the complaints the actor sees, to the desk roles only (policy.VISITS); a
page or write on a visit of a complaint they do not see answers like a visit that does not
exist and changes nothing; other roles are refused before anything is looked at. The
complaint page's way to the call screen opens the visit when it is not open yet, for the
same people, on the same terms.
"""

from __future__ import annotations

import functools
import re

import pytest

from anju.complaints.models import Status
from anju.visits.models import ReturnVisit, SurveyResponse, VisitAttempt
from anju.visits.services import visit_open
from tests.access_matrix import endpoints, tally
from tests.access_matrix.endpoints import VisitList, VisitPage, VisitStart
from tests.access_matrix.interfaces import check, gate, same_answer
from tests.access_matrix.policy import ACTORS, KINDS, VISITS, sees
from tests.access_matrix.state import missing_number

STATUS = Status.RESOLVED
LISTS = endpoints.rows(VisitList)
PAGES = endpoints.rows(VisitPage)
STARTS = endpoints.rows(VisitStart)
BODIES = {
    "": None,
    "attempt": {"outcome": "unreachable", "note": "无人接听"},
    "survey": {"satisfaction": "5", "solved": "yes", "reasons": ["speed"]},
    "close": {"note": "多次联系不上"},
    "link": {},
}


def _open(cast) -> dict[str, ReturnVisit]:
    return {kind: visit_open(complaint_id=cast.complaint(kind, STATUS).pk) for kind in KINDS}


def _listed(body: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/console/visits/(\d+)/"', body)}


def _state(visit: ReturnVisit) -> tuple:
    visit.refresh_from_db()
    return (visit.state, visit.link_nonce, VisitAttempt.objects.filter(visit=visit).count(),
            SurveyResponse.objects.filter(visit=visit).count())


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", LISTS, ids=str)
def test_the_list_shows_exactly_the_visits_in_reach(cast, sessions, row, actor):
    visits = _open(cast)
    response = sessions.client(row.interface, actor).get(row.path)
    tally.count("console return visits list", 1)
    decided = gate(row.interface, actor)
    if decided is not None:
        assert check(row.interface, decided, response) is None
        return
    if actor not in VISITS:
        assert response.status_code == 403, f"{actor}: got {response.status_code}"
        return
    assert response.status_code == 200
    expected = {visits[kind].pk for kind in KINDS if sees(actor, kind, STATUS)}
    assert _listed(response.content.decode()) == expected, actor


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", PAGES, ids=str)
def test_only_the_desk_opens_and_works_visits_it_sees(cast, sessions, row, actor):
    visits = _open(cast)
    client = functools.partial(sessions.client, row.interface, actor)
    body = BODIES[row.write]

    def ask(url):
        return client().post(url, body) if row.write else client().get(url)

    missing_id = str(max(v.pk for v in visits.values()) + 1000)
    missing_url = row.path.replace("{id}", missing_id)
    problems = []
    for kind in KINDS:
        visit = visits[kind]
        url = row.path.replace("{id}", str(visit.pk))
        before = _state(visit)
        response = ask(url)
        after = _state(visit)
        decided = gate(row.interface, actor)
        if decided is not None:
            wanted = decided
            why = check(row.interface, decided, response)
        elif actor not in VISITS:
            wanted = "refused"
            why = None if response.status_code == 403 else f"got {response.status_code}"
        elif not sees(actor, kind, STATUS):
            wanted = "hidden"
            why = None if response.status_code == 404 else f"got {response.status_code}"
            reference = ask(missing_url)
            if why is None and not same_answer(row.interface, response, reference,
                                               (url, str(visit.pk)), (missing_url, missing_id)):
                why = "not the answer a missing visit gets"
        elif row.write:
            wanted = "done"
            expected = (302, f"/console/visits/{visit.pk}/")
            why = None if (response.status_code, response.get("Location")) == expected \
                else f"got {response.status_code} {response.content[:300]!r}"
        else:
            wanted = "ok"
            why = None if response.status_code == 200 else f"got {response.status_code}"
        changed = after != before
        if why is None and changed != (wanted == "done"):
            why = f"changed={changed}"
        if why is not None:
            problems.append(f"{kind}: expected {wanted}: {why}")
    tally.count(f"console return visit {row.write or 'page'}", len(KINDS))
    assert not problems, f"{row} as {actor}:\n" + "\n".join(problems)


def _visits_of(complaint) -> list[tuple[int, str]]:
    return list(ReturnVisit.objects.filter(complaint=complaint).values_list("pk", "state"))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", STARTS, ids=str)
def test_the_complaint_page_leads_the_desk_to_the_call_screen(cast, sessions, row, actor):
    client = functools.partial(sessions.client, row.interface, actor)
    missing = missing_number(cast)
    missing_url = row.path.replace("{number}", missing)
    reference = client().post(missing_url)
    problems = []
    for kind in KINDS:
        complaint = cast.complaint(kind, STATUS)
        url = row.path.replace("{number}", complaint.number)
        before = _visits_of(complaint)
        response = client().post(url)
        after = _visits_of(complaint)
        decided = gate(row.interface, actor)
        if decided is not None:
            wanted = decided
            why = check(row.interface, decided, response)
        elif actor not in VISITS:
            wanted = "refused"
            why = None if response.status_code == 403 else f"got {response.status_code}"
        elif not sees(actor, kind, STATUS):
            wanted = "hidden"
            why = None if response.status_code == 404 else f"got {response.status_code}"
            if why is None and not same_answer(row.interface, response, reference,
                                               (url, complaint.number), (missing_url, missing)):
                why = "not the answer a missing number gets"
        else:
            wanted = "done"
            opened = [pk for pk, state in after if state == ReturnVisit.State.OPEN]
            why = None if (len(opened) == 1 and response.status_code == 302
                           and response["Location"] == f"/console/visits/{opened[0]}/") \
                else f"got {response.status_code} {response.get('Location')!r}, visits {after}"
            if why is None and client().post(url)["Location"] != response["Location"]:
                why = "a second press did not lead to the same visit"
        if why is None and (after != before) != (wanted == "done"):
            why = f"visits {before} → {after}"
        if why is not None:
            problems.append(f"{kind}: expected {wanted}: {why}")
    tally.count("console return visit from the complaint page", 1 + len(KINDS))
    assert not problems, f"{row} as {actor}:\n" + "\n".join(problems)
