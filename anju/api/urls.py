"""The REST API, mounted at /api/v1/ by ``anju.urls``.

Operations live in one router module per resource. Everything needs an API key or a
session (``anju.api.auth``) except the OpenAPI document and its docs page, which are
served from local static files (no CDN, and Swagger's online validator switched off).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.utils import timezone
from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from anju.api import categories, complaints, departments, errors, estates, me
from anju.api.auth import session_auth, token_auth
from anju.lib.json_errors import error_response

DESCRIPTION = """\
Anju's complaint-handling API.

Authenticate with an API key (`anju token create --user USERNAME --name NAME`) sent as
`Authorization: Bearer <key>`, or with a signed-in browser session (unsafe methods then
need the `X-CSRFToken` header). Every error has the shape
`{"error": {"code": "…", "message": "…", "fields": {"field": ["…"]}}}`; messages follow
`Accept-Language` (`zh-hans`, the default, or `en`).
"""


class LocalTimeEncoder(NinjaJSONEncoder):
    """Datetimes in the site's time zone (Asia/Shanghai), with their offset."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class Renderer(JSONRenderer):
    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


class AnjuAPI(NinjaAPI):
    """NinjaAPI whose every URL answers errors in the API's JSON shape."""

    def _get_urls(self) -> list[Any]:
        patterns = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_errors(pattern.callback)
            patterns.append(pattern)
        # Anything else under /api/v1/ is an unknown route, not Django's HTML 404.
        patterns.append(re_path(r"^", _unknown_route, name="unknown"))
        return patterns


def _json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # ninja's API root raises it
            return error_response(404)
        if response.status_code == 405 and "Allow" in response:
            allowed = response["Allow"]
            response = error_response(405)
            response["Allow"] = allowed
        return response

    return wrapper


def _unknown_route(request: HttpRequest) -> HttpResponse:
    return error_response(404)


_unknown_route.csrf_exempt = True  # type: ignore[attr-defined]

api = AnjuAPI(
    title="Anju API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[token_auth, session_auth],
    renderer=Renderer(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
errors.install(api)
api.add_router("/complaints", complaints.router)
api.add_router("/categories", categories.router)
api.add_router("/estates", estates.router)
api.add_router("/departments", departments.router)
api.add_router("/me", me.router)
