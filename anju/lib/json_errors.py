"""The JSON shape of every error the API answers with, for whoever answers for it.

The API's exception handlers (``anju.api.errors``) and the middleware in front of it (the
API's rate limit and the two-factor gate, ``anju.security``) build their responses here,
so a client sees one shape whichever of them refused::

    {"error": {"code": "invalid_input", "message": "…", "fields": {"description": ["…"]}}}
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext_lazy

HTTP_CODES = {
    400: ("bad_request", gettext_lazy("The request could not be understood.")),
    401: ("unauthorized", gettext_lazy(
        "Sign in, or send an API key in the header “Authorization: Bearer <key>”.")),
    403: ("forbidden", gettext_lazy("You are not allowed to do this.")),
    404: ("not_found", gettext_lazy("Not found, or you do not have access to it.")),
    405: ("method_not_allowed", gettext_lazy("This method is not allowed here.")),
    413: ("too_large", gettext_lazy("The request is too large.")),
    429: ("too_many_requests", gettext_lazy("Too many requests; please wait and try again.")),
    500: ("server_error", gettext_lazy(
        "Something went wrong on our side; nothing was saved. Please try again later.")),
}


def error_body(code: str, message: Any, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def error_response(status: int, code: str | None = None, message: Any = None,
                   fields: dict[str, list[str]] | None = None) -> JsonResponse:
    default_code, default_message = HTTP_CODES.get(status, HTTP_CODES[400])
    response = JsonResponse(error_body(code or default_code, message or default_message, fields),
                            status=status, json_dumps_params={"ensure_ascii": False})
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="anju"'
    return response
