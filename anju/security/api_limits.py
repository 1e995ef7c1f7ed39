"""Rate limits on every API request: per API key, otherwise per client address.

Runs as middleware before the API, so a caller over the limit costs one cache
``incr`` and no database query. The key is identified by a hash of the bearer header
as sent (it is not looked up: an unknown key still counts, and is then refused by the
API's authentication). Callers without a key - browser sessions and anonymous
requests - are counted per address (``client_ip``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from anju.lib.client_ip import client_ip
from anju.lib.json_errors import error_response
from anju.security.ratelimit import hit

API_PREFIX = "/api/"
BEARER = "bearer "


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            wait = _wait(request)
            if wait is not None:
                return too_many(wait)
        return self.get_response(request)


def _wait(request: HttpRequest) -> int | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:len(BEARER)].lower() == BEARER and header[len(BEARER):].strip():
        return hit("api_token", header[len(BEARER):].strip())
    return hit("api_address", client_ip(request) or "unknown")


def too_many(wait: int) -> HttpResponse:
    """The API's JSON error with status 429 and ``Retry-After``."""
    response = error_response(429, message=_(
        "Too many requests. Please wait %(seconds)s seconds and try again.") % {"seconds": wait})
    response["Retry-After"] = str(wait)
    return response
