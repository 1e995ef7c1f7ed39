"""How each interface is called as an actor, and what each expected outcome looks like.

Outcomes, the words the matrix speaks:

* ``ok``        — a read answered (200);
* ``done``      — a write carried out (the interface's success answer, and one new event);
* ``refused``   — the actor sees the complaint but may not take this action: 403 (the
                  console redirects back to the complaint with the reason), nothing changed;
* ``hidden``    — 404, the very answer given for a number that does not exist;
* ``signin``    — not signed in: sent to sign in (401 from the API);
* ``elsewhere`` — the wrong kind of user for this interface (a resident in the console,
                  staff in the portal), sent away before any complaint is looked at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from tests.access_matrix.policy import RESIDENTS, ROLE, STAFF

CONSOLE, PORTAL, API, FILES = "console", "portal", "api", "files"

_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


@dataclass
class Sessions:
    """Signed-in sessions (cookie values) and API keys of the cast, made once.

    Clients are kept and reused: each new test client loads the whole middleware chain
    (WhiteNoise scans every static file), which would cost more than the request itself.
    ``client`` hands one out with fresh cookies, so a message or a session change left by
    one request never shows in the next.
    """

    cookies: dict[str, str]
    keys: dict[str, str]
    _clients: dict[tuple[str, str], Client] = field(default_factory=dict)

    def client(self, interface: str, actor: str) -> Client:
        key = (API if interface == API else "browser", actor)
        if key not in self._clients:
            headers = {"Accept-Language": "en"}
            if interface == API and actor in self.keys:
                headers["Authorization"] = f"Bearer {self.keys[actor]}"
            self._clients[key] = Client(headers=headers)
        client = self._clients[key]
        client.cookies.clear()
        if interface != API:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            if actor in self.cookies:
                client.cookies[settings.SESSION_COOKIE_NAME] = self.cookies[actor]
        return client


def gate(interface: str, actor: str) -> str | None:
    """The outcome decided before any complaint is looked at, or None."""
    if ROLE[actor] is None and interface in (CONSOLE, PORTAL, API):
        return "signin"
    if interface == CONSOLE and actor in RESIDENTS:
        return "elsewhere"
    if interface == PORTAL and actor in STAFF:
        return "elsewhere"
    return None


def same_answer(interface: str, response: HttpResponse, reference: HttpResponse,
                asked: tuple[str, str], missing: tuple[str, str]) -> bool:
    """Whether two refusals look alike once what was asked for is blanked out.

    ``asked`` and ``missing`` are (path, number) of each request; the number is blanked
    only when it is a complaint number (a short file id could be any digits of the page).
    """
    return (response.status_code == reference.status_code
            and _normalised(interface, response, *asked) == _normalised(interface, reference,
                                                                        *missing))


def _normalised(interface: str, response: HttpResponse, path: str, number: str) -> Any:
    text = response.content.decode(errors="replace").replace(path, "{path}")
    if number.startswith("TS"):
        text = text.replace(number, "{number}")
    if interface == API:
        return json.loads(text)
    return _CSRF.sub(r"\1\2", text)


def check(interface: str, outcome: str, response: HttpResponse, *, detail_url: str = "",
          write: str = "") -> str | None:
    """None when ``response`` is what ``outcome`` looks like on ``interface``, else why not.

    ``write`` is "act", "note" or "upload" for writes ("" for reads); ``detail_url`` is
    where a console or portal write returns to.
    """
    status, location = response.status_code, response.get("Location", "")
    wanted: tuple[int, ...]
    if outcome == "signin":
        wanted = (401,) if interface == API else (302,)
        if interface == CONSOLE and not location.startswith("/console/login/"):
            return f"expected the sign-in page, got {status} {location!r}"
        if interface == PORTAL and not location.startswith("/portal/signin/"):
            return f"expected the sign-in page, got {status} {location!r}"
    elif outcome == "elsewhere":
        if interface == PORTAL and (status, location) != (302, "/console/"):
            return f"expected staff to be sent to the console, got {status} {location!r}"
        wanted = (403,) if interface == CONSOLE else (302,)
    elif outcome == "hidden":
        wanted = (404,)
    elif outcome == "ok":
        wanted = (200,)
    elif outcome == "refused":
        wanted = (403,)
        if interface == CONSOLE:
            wanted = (302,)
            if location != detail_url:
                return f"expected a redirect back to {detail_url}, got {status} {location!r}"
    elif outcome == "done":
        wanted = (201,) if write in ("note", "upload") else (200,)
        if interface in (CONSOLE, PORTAL):
            wanted = (302,)
            if location != detail_url:
                return f"expected a redirect to {detail_url}, got {status} {location!r}"
    else:
        raise ValueError(outcome)
    if status not in wanted:
        return f"expected {outcome} ({'/'.join(map(str, wanted))}), got {status} {location!r}"
    return None
