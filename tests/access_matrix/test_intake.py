"""Recording a new complaint: who may, in which estate; and the intake's caller lookups."""

from __future__ import annotations

import pytest

from anju.complaints.models import Complaint
from tests.access_matrix import endpoints, tally
from tests.access_matrix.cast import NAMES, PHONES, ROOMS
from tests.access_matrix.endpoints import Intake
from tests.access_matrix.interfaces import API, CONSOLE, PORTAL, check, gate
from tests.access_matrix.policy import ACTORS, REACH, RECORDS_IN, RESIDENTS, sees
from tests.access_matrix.state import numbers_in

DESCRIPTION = "地下车库漏水，车被淋湿"
LIVES_IN = {"resident": "a", "other_resident": "a", "resident_b": "b"}
KINDS_OF = {"resident": ("own", "confidential"), "other_resident": ("neighbour",),
            "resident_b": ("estate_b",)}


def _record(client, row: Intake, cast, estate: str, n: int):
    if row.interface == API:
        return client.post(row.path, {"estate": estate, "description": DESCRIPTION,
                                      "contact_phone": "13700004444"},
                           content_type="application/json")
    if row.interface == PORTAL:
        return client.post(row.path, {"description": DESCRIPTION, "idempotency_key": ""})
    return client.post(row.path, {
        "idempotency_key": f"matrix-{n}", "channel": "phone", "estate": cast.estates[estate].pk,
        "description": DESCRIPTION, "urgency": "normal", "contact_phone": "13700004444"})


def _expected(row: Intake, actor: str, estate: str) -> tuple[str | None, int]:
    """(the gate's outcome, or None; and the status a refusal or success answers)."""
    if (decided := gate(row.interface, actor)) is not None:
        return decided, 0
    records = RECORDS_IN[row.interface]
    if estate in records.get(actor, ()):
        return None, {API: 201, CONSOLE: 302, PORTAL: 302}[row.interface]
    if row.interface == CONSOLE:
        # The desk is offered only its own estates; other staff get no intake at all.
        return None, 400 if actor in records else 403
    return None, 422 if actor in RESIDENTS else 403


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", endpoints.rows(Intake), ids=str)
def test_new_complaints_are_recorded_only_within_reach(cast, sessions, row, actor):
    client = sessions.client(row.interface, actor)
    problems = []
    # The portal has no estate to choose: residents file about their own homes.
    estates = ("a",) if row.interface == PORTAL else ("a", "b")
    for n, estate in enumerate(estates):
        before = Complaint.objects.count()
        response = _record(client, row, cast, estate, n)
        created = Complaint.objects.count() - before
        decided, status = _expected(row, actor, estate)
        tally.count(f"{row.interface} intake")
        if decided is not None:
            why = check(row.interface, decided, response)
        elif response.status_code != status:
            why = f"expected {status}, got {response.status_code}"
        elif created != (1 if status in (201, 302) else 0):
            why = f"{created} complaints recorded"
        elif created and (new := Complaint.objects.latest("id")).estate.code != (
                estate if row.interface != PORTAL else LIVES_IN[actor]):
            why = f"recorded in estate {new.estate.code}"
        else:
            why = None
        if why is None and decided is not None and created:
            why = f"refused, yet {created} complaints recorded"
        if why is not None:
            problems.append(f"estate {estate}: {why}")
    if row.interface != API:
        page = client.get(row.path)
        tally.count(f"{row.interface} intake")
        decided = gate(row.interface, actor)
        wanted = decided or ("ok" if actor in RECORDS_IN[row.interface] else "refused-page")
        if wanted == "refused-page":
            if page.status_code != 403:
                problems.append(f"the intake page: expected 403, got {page.status_code}")
        elif (why := check(row.interface, wanted, page)) is not None:
            problems.append(f"the intake page: {why}")
    assert not problems, f"{row} as {actor}:\n" + "\n".join(problems)


@pytest.mark.parametrize("actor", sorted(RECORDS_IN[CONSOLE]))
@pytest.mark.parametrize("person", sorted(PHONES))
def test_the_intake_lookups_find_callers_only_within_reach(cast, sessions, actor, person):
    """By phone, resident id or room: nobody and nothing outside the actor's estates."""
    client = sessions.client(CONSOLE, actor)
    user = cast.users[person]
    room = cast.rooms[LIVES_IN[person]][0]
    queries = [{"phone": PHONES[person]}, {"resident": user.resident.pk}, {"room": room.pk},
               {"room_q": room.number, "estate": LIVES_IN[person]}]
    allowed = {c.number for kind in KINDS_OF[person] for status, c in
               cast.targets[kind].complaints.items() if sees(actor, kind, status)}
    in_reach = LIVES_IN[person] in REACH[actor]
    problems = []
    for query in queries:
        text = client.get("/console/new/", query).content.decode()
        shown = numbers_in(text, "/console/c/")
        if not shown <= allowed:
            problems.append(f"{query}: shows complaints out of reach {sorted(shown - allowed)}")
        if not in_reach and (NAMES[person] in text or f">{ROOMS['b'][0]}<" in text):
            problems.append(f"{query}: shows the caller or their home")
        if "phone" in query and in_reach and allowed and not shown:
            problems.append(f"{query}: the caller's complaints are not offered")
    tally.count("console intake lookups", len(queries))
    assert not problems, "\n".join(problems)
