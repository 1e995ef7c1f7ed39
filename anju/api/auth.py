"""Who is calling: a bearer API key, or the browser's Django session.

Every operation requires one of the two (set on the ``NinjaAPI``); the OpenAPI
document and the docs page are plain views outside that rule. Session callers must
pass Django's CSRF check on unsafe methods, as any form in the console would.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer

from anju.api.keys import user_for_api_key
from anju.lib.errors import NotAllowed


class TokenAuth(HttpBearer):
    """``Authorization: Bearer anju_…`` — a key issued with ``anju token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_key(token.strip())
        if user is not None:
            # Code below the API (access policy, services) reads request.user.
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The console's sign-in cookie, so the browser can call the API too."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Unlike ninja's SessionAuth, an anonymous request falls through to 401
        # instead of failing the CSRF check first.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if _csrf_failed(request):
            raise NotAllowed(_("CSRF check failed: send the X-CSRFToken header."),
                             code="csrf_failed")
        return user


def _csrf_failed(request: HttpRequest) -> bool:
    middleware = CsrfViewMiddleware(_no_view)
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    middleware.process_request(request)
    # Returns None when the request passes (safe methods always do).
    return middleware.process_view(request, _no_view, (), {}) is not None


def _no_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse()


token_auth = TokenAuth()
session_auth = SessionAuth()
