"""Lists and searches return exactly the complaints the actor sees, whatever is searched for.

Searching by another estate's complaint number or by a phone number must not find a
complaint outside reach, and the numbers returned are compared with the expected set.
"""

from __future__ import annotations

import pytest

from tests.access_matrix import endpoints, tally
from tests.access_matrix.cast import PHONES, Cast
from tests.access_matrix.endpoints import List
from tests.access_matrix.interfaces import API, CONSOLE, PORTAL, check, gate
from tests.access_matrix.policy import ACTORS, KINDS, REACH, sees
from tests.access_matrix.state import missing_number, numbers_in

# Whose complaints a phone number finds: the complainant's (the resident, or the contact).
COMPLAINANT_OF = {"own": "resident", "confidential": "resident", "neighbour": "other_resident",
                  "estate_b": "resident_b"}
MAX_PAGES = 5


def _everything(kind: str, complaint: object) -> bool:
    return True


def searches(cast: Cast, interface: str) -> list[tuple[str, dict[str, str], object]]:
    """(name, query, which complaints it matches) — the portal's list has no search."""
    found: list[tuple[str, dict[str, str], object]] = [("everything", {}, _everything)]
    if interface == PORTAL:
        return found
    for kind in KINDS:
        number = cast.complaint(kind, "assigned").number
        found.append((f"the number of {kind}", {"q": number},
                      lambda k, c, n=number: c.number == n))
    found.append(("a missing number", {"q": missing_number(cast)}, lambda k, c: False))
    for person, phone in PHONES.items():
        found.append((f"the phone of {person}", {"q": phone},
                      lambda k, c, p=person: COMPLAINANT_OF[k] == p))
    found.append(("estate b", {"estate": "b"}, lambda k, c: cast.targets[k].estate == "b"))
    return found


def listed(client, row: List, query: dict[str, str]) -> tuple[set[str], list[str]]:
    """The numbers the list returns (all pages), and any problem with the answers."""
    if row.interface == API:
        response = client.get(row.path, {**query, "limit": 100})
        if response.status_code != 200:
            return set(), [f"status {response.status_code}"]
        body = response.json()
        numbers = {item["number"] for item in body["items"]}
        return numbers, [] if body["count"] == len(numbers) else [f"count {body['count']}"]
    prefix = "/console/c/" if row.interface == CONSOLE else "/portal/c/"
    extra = {"tab": "all"} if row.interface == CONSOLE else {}
    numbers: set[str] = set()
    for page in range(1, MAX_PAGES + 1):
        response = client.get(row.path, {**query, **extra, "page": page})
        if response.status_code != 200:
            return numbers, [f"page {page}: status {response.status_code}"]
        found = numbers_in(response.content.decode(), prefix)
        if not found or found <= numbers:  # past the last page
            break
        numbers |= found
    return numbers, []


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", endpoints.rows(List), ids=str)
def test_lists_and_searches_return_exactly_what_the_actor_sees(cast, sessions, row, actor):
    client = sessions.client(row.interface, actor)
    problems = []
    for name, query, matches in searches(cast, row.interface):
        tally.count(f"{row.interface} list")
        if (decided := gate(row.interface, actor)) is not None:
            why = check(row.interface, decided, client.get(row.path, query))
            if why is not None:
                problems.append(f"{name}: {why}")
            continue
        if row.interface == CONSOLE and "estate" in query and len(REACH[actor]) < 2:
            matches = _everything  # the console offers no estate filter with one estate
        expected = {c.number for kind, status, c in cast.all_complaints()
                    if sees(actor, kind, status) and matches(kind, c)}
        numbers, trouble = listed(client, row, query)
        problems += [f"{name}: {t}" for t in trouble]
        if numbers != expected:
            problems.append(f"{name}: not expected {sorted(numbers - expected)}, "
                            f"missing {sorted(expected - numbers)}")
    assert not problems, f"{row} as {actor}:\n" + "\n".join(problems)
