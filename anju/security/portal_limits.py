"""Rate limits on what residents submit through the portal: per resident and per address.

Only POSTs count. Over either limit the resident gets a page saying so, with status 429
and ``Retry-After``, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from anju.lib.client_ip import client_ip
from anju.security.ratelimit import hit

View = Callable[..., HttpResponse]


def limit_submissions(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            wait = _wait(request)
            if wait is not None:
                return _too_many(request, wait)
        return view(request, *args, **kwargs)

    return wrapper


def _wait(request: HttpRequest) -> int | None:
    waits = [hit("portal_submit_address", client_ip(request) or "unknown")]
    if request.user.is_authenticated:
        waits.append(hit("portal_submit_resident", str(request.user.pk)))
    return max((w for w in waits if w is not None), default=None)


def _too_many(request: HttpRequest, wait: int) -> HttpResponse:
    minutes = max((wait + 59) // 60, 1)
    response = render(request, "security/portal_too_many.html",
                      {"title": _("Please wait a moment"), "minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response
