"""The console's menu as every actor: each entry shows exactly for who may use it.

An entry the menu shows opens (the pages' own tests prove that); an entry it hides would be
refused. The administration link needs both a role that may open it and the admin flag
(is_staff) without which the site stays shut.
"""

from __future__ import annotations

import re

import pytest

from tests.access_matrix import tally
from tests.access_matrix.interfaces import CONSOLE, check, gate
from tests.access_matrix.policy import (
    ACTORS,
    ADMIN_ROLES,
    DESK_ACTORS,
    HAS_ADMIN_FLAG,
    READS_REPORTS,
    READS_STATS,
    STAFF,
    VISITS,
    WATCHES_WARNINGS,
)

NAV = re.compile(r'<nav class="topnav"[^>]*>(.*?)</nav>', re.S)
ENTRIES = {
    "/console/warnings/": WATCHES_WARNINGS,
    "/console/visits/": VISITS,
    "/console/stats/": READS_STATS,
    "/console/reports/": READS_REPORTS,
    "/console/new/": DESK_ACTORS,
    "/admin/": ADMIN_ROLES & HAS_ADMIN_FLAG,
}


def _menu(response) -> set[str]:
    match = NAV.search(response.content.decode())
    assert match, "no menu on the page"
    return {href for href in ENTRIES if f'href="{href}"' in match.group(1)}


@pytest.mark.parametrize("actor", ACTORS)
def test_the_menu_offers_exactly_what_the_actor_may_use(cast, sessions, actor):
    response = sessions.client(CONSOLE, actor).get("/console/")
    tally.count("console menu", len(ENTRIES))
    decided = gate(CONSOLE, actor)
    if decided is not None:
        assert check(CONSOLE, decided, response) is None
        return
    assert response.status_code == 200
    assert _menu(response) == {href for href, who in ENTRIES.items() if actor in who}


@pytest.mark.parametrize("actor", [a for a in STAFF if a not in HAS_ADMIN_FLAG])
def test_the_administration_link_needs_the_role_and_the_admin_flag(cast, sessions, actor):
    user = cast.users[actor]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    response = sessions.client(CONSOLE, actor).get("/console/")
    tally.count("console menu", 1)
    assert ("/admin/" in _menu(response)) is (actor in ADMIN_ROLES), actor
