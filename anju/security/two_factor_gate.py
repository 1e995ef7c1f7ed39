"""Users who must have a second factor reach nothing but its set-up page until they do.

The console's sign-in already sends them there before signing them in; this gate
covers sessions that exist anyway - signed in before the rule applied to them, or
whose authenticator an administrator has just reset. Pages get a redirect to the
set-up page; the API gets its JSON 403. Costs one indexed query per request, and only
for the few users the rule applies to (administrators, quality, superusers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from anju.accounts.two_factor import is_enrolled
from anju.lib.json_errors import error_response
from anju.staff import policy
from anju.staff.policy import Capability

OPEN_URL_NAMES = ("console:two_factor", "console:logout", "set_language")


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` may not use Anju before enrolling a second factor: the roles and
    superusers ``anju.staff.policy`` obliges to (``Capability.REQUIRE_TWO_FACTOR``)."""
    return policy.can(user, Capability.REQUIRE_TWO_FACTOR)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (two_factor_required(user) and not _is_open(request.path)
                and not is_enrolled(user)):
            return _refuse(request)
        return self.get_response(request)


def _is_open(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith(static) or path in {reverse(name) for name in OPEN_URL_NAMES}


def _refuse(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return error_response(403, "two_factor_required", _(
            "Set up two-factor sign-in in the console before using this account."))
    return redirect("console:two_factor")
