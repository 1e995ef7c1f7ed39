"""The request being served, so entries written by signal receivers know who and from where.

Receivers of model signals (a role changed, a complaint event written) get no request;
``AuditContextMiddleware`` keeps it in a context variable for the length of the request
and ``anju.audit.log.record`` reads it when the caller passes none.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from anju.lib.client_ip import client_ip

_request: ContextVar[HttpRequest | None] = ContextVar("anju_audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _request.get()


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def request_user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def request_ip(request: HttpRequest | None) -> str | None:
    """The client address of ``request`` (behind trusted proxies, the forwarded one), or None
    when it is missing or malformed."""
    if request is None:
        return None
    return client_ip(request)
