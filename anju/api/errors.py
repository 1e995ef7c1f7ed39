"""The one place API errors become HTTP responses.

Every error, whoever raises it — a service's ``DomainError``, ninja's own request
validation, authentication, a malformed body, an unknown route or method — is
answered with the same JSON shape (built by ``anju.lib.json_errors``, which the
middleware in front of the API uses too)::

    {"error": {"code": "invalid_input", "message": "…", "fields": {"description": ["…"]}}}

Messages are rendered in the request's language (LocaleMiddleware has activated it
from Accept-Language; Chinese by default). Field messages reuse Django's own form
messages where one fits, so they come translated.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja.errors import AuthenticationError, HttpError, ValidationError

from anju.lib.errors import DomainError, InvalidInput, NotFound
from anju.lib.json_errors import error_response

logger = logging.getLogger("anju.api")

# Service field names that the API calls differently.
FIELD_NAMES = {"room": "room_id", "building": "building_id", "facility": "facility_id"}
# ninja's first location element says where a parameter came from.
SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


# --------------------------------------------------------------------------- handlers


def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    fields = {}
    if isinstance(exc, InvalidInput):
        message = str(exc)
        fields = {FIELD_NAMES.get(name, name): [message] for name in exc.errors}
    return error_response(exc.http_status, exc.code, str(exc), fields)


def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        fields.setdefault(_field_of(item.get("loc", ())), []).append(_field_message(item))
    return error_response(422, InvalidInput.code, InvalidInput.default_message, fields)


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return error_response(401)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja could not parse the body: not JSON, or not UTF-8.
        return error_response(400, "malformed_json",
                              _("The request body is not valid JSON."))
    return error_response(exc.status_code)


def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, NotFound.code, NotFound.default_message)


def bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return error_response(413)
    return error_response(400)


def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500)


def install(api: Any) -> None:
    """Register the handlers on a NinjaAPI, replacing ninja's defaults."""
    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(SuspiciousOperation, bad_request)
    api.add_exception_handler(Exception, server_error)


# --------------------------------------------------------------------------- field messages


def _field_of(loc: Any) -> str:
    """("body", "payload", "occurred_at") → "occurred_at"; the whole body → "body"."""
    parts = [str(p) for p in loc]
    source = parts[0] if parts and parts[0] in SOURCES else ""
    rest = parts[1:] if source else parts
    if source == "body":
        rest = rest[1:]  # the name of the view's schema parameter
    if source == "header":
        rest = [p.replace("_", "-").title() for p in rest[:1]] + rest[1:]
    return ".".join(rest) or source or "body"


def _field_message(item: dict) -> str:
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return _("This field cannot be blank.")
    if kind == "string_too_long":
        limit = ctx.get("max_length", 0)
        return ngettext("Ensure this value has at most %(limit)d character.",
                        "Ensure this value has at most %(limit)d characters.", limit) % {
            "limit": limit}
    if kind == "timezone_aware":
        return _("Include a time zone, for example 2026-05-01T08:30:00+08:00.")
    if kind.startswith(("datetime", "date")):
        return _("Enter a valid date/time.")
    if kind.startswith("int"):
        return _("Enter a whole number.")
    if kind.startswith(("float", "decimal")):
        return _("Enter a number.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind in {"less_than_equal", "less_than"}:
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le", ctx.get("lt"))}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge", ctx.get("gt"))}
    if kind in {"enum", "literal_error"}:
        return _("Select one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Send a JSON object.")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return _("Enter a valid value.")
