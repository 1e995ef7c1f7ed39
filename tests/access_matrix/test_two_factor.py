"""The second factor as every actor: who may not use Anju before enrolling one.

The cast's quality and administrator accounts are enrolled (cast.py); here each actor's
authenticator is removed (inside the test's savepoint) and the console and the API are
asked for: those who must have a second factor (policy.NEEDS_TWO_FACTOR) are sent to set
one up, and the API refuses them; nobody else notices.
"""

from __future__ import annotations

import pytest

from anju.accounts.models import TwoFactor
from tests.access_matrix import tally
from tests.access_matrix.interfaces import CONSOLE, check, gate
from tests.access_matrix.policy import ACTORS, NEEDS_TWO_FACTOR

SET_UP = "/console/two-factor/"
REQUIRED = "Your role requires two-factor sign-in."


@pytest.mark.parametrize("actor", ACTORS)
def test_only_those_who_must_have_a_second_factor_are_stopped_without_one(cast, sessions, actor):
    user = cast.users[actor]
    if user is not None:
        TwoFactor.objects.filter(user=user).delete()
    console = sessions.client(CONSOLE, actor).get("/console/")
    api = sessions.client(CONSOLE, actor).get("/api/v1/me")
    page = sessions.client(CONSOLE, actor).get(SET_UP)
    tally.count("two-factor obligation", 3)
    if actor in NEEDS_TWO_FACTOR:
        assert (console.status_code, console["Location"]) == (302, SET_UP)
        assert api.status_code == 403 and api.json()["error"]["code"] == "two_factor_required"
        assert page.status_code == 200 and REQUIRED in page.content.decode()
        return
    decided = gate(CONSOLE, actor)
    if decided is not None:
        assert check(CONSOLE, decided, console) is None
    else:
        assert console.status_code == 200
    assert console.get("Location", "") != SET_UP
    if decided is None:  # staff: the page offers the second factor without insisting
        assert page.status_code == 200 and REQUIRED not in page.content.decode()
    assert not (api.status_code == 403 and "two_factor_required" in api.content.decode())
