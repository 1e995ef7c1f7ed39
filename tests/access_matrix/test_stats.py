"""The statistics pages (dashboards, league tables) as every actor.

Readers (policy.READS_STATS) get the page, and its figures count exactly the complaints
the policy says they see (the cast's complaints were all received today, inside the
default period of the last 30 days); an estate or department outside their reach is
hidden (404); everyone else is refused before anything is counted.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.access_matrix import endpoints, tally
from tests.access_matrix.endpoints import Stats
from tests.access_matrix.interfaces import check, gate
from tests.access_matrix.policy import ACTORS, REACH, READS_STATS, STATS_DEPARTMENTS, sees

ROWS = endpoints.rows(Stats)


def _received(body: str) -> int:
    match = re.search(r'data-figure="received">.*?stats-figure-value">([^<]*)<', body, re.S)
    assert match, "no 'received' figure on the page"
    return int(match.group(1).replace(",", "").strip())


def _seen(cast, actor, *, where=lambda c: True) -> int:
    return sum(1 for kind, status, c in cast.all_complaints() if sees(actor, kind, status) and where(c))


def _targets(cast, row: Stats) -> list[tuple[str, str, object]]:
    """(label, path, complaint filter) of each probe of the row."""
    if row.use == "estate":
        return [(code, row.path.replace("{estate}", str(cast.estates[code].pk)),
                 lambda c, e=cast.estates[code]: c.estate_id == e.pk) for code in ("a", "b")]
    if row.use == "department":
        return [(code, row.path.replace("{department}", str(cast.departments[code].pk)),
                 lambda c, d=cast.departments[code]: c.department_id == d.pk)
                for code in ("engineering", "environment")]
    return [("", row.path, lambda c: True)]


def _reaches(actor: str, row: Stats, code: str) -> bool:
    if row.use == "estate":
        return code in REACH[actor]
    if row.use == "department":
        return code in STATS_DEPARTMENTS.get(actor, frozenset({code}))
    return True


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", ROWS, ids=str)
def test_statistics_count_exactly_what_the_actor_sees(cast, sessions, row, actor):
    for code, path, where in _targets(cast, row):
        response = sessions.client(row.interface, actor).get(path)
        tally.count("console statistics", 1)
        decided = gate(row.interface, actor)
        if decided is not None:
            assert check(row.interface, decided, response) is None
            continue
        if actor not in READS_STATS:
            assert response.status_code == 403, f"{actor} {path}: got {response.status_code}"
            continue
        if not _reaches(actor, row, code):
            assert response.status_code == 404, f"{actor} {path}: got {response.status_code}"
            continue
        assert response.status_code == 200, f"{actor} {path}: got {response.status_code}"
        if row.use == "league":
            download = sessions.client(row.interface, actor).get(path + "?by=department&format=csv")
            rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
            handled = sum(int(r[1]) for r in rows[1:] if len(r) > 1 and r[1].isdigit())
            assert handled == _seen(cast, actor, where=lambda c: c.department_id is not None), actor
            continue
        assert _received(response.content.decode()) == _seen(cast, actor, where=where), (actor, path)
