"""Security headers on every response: CSP, Permissions-Policy and the classic three.

The Content-Security-Policy allows scripts, styles, fonts, frames and connections from
our own origin only, images also as ``data:`` URLs, and no plugins, no framing and no
posting forms elsewhere. No page may carry an inline ``<script>``, ``style=`` attribute
or ``on…=`` handler (``tests/security_signin/test_templates.py`` scans for them): page
behaviour lives in each app's static JS and CSS. The Django admin and the API's
Swagger page work under the same policy (their scripts are files; the admin's one
inline ``<style>`` is cosmetic), so there is no exception for them.

Django's ``SecurityMiddleware`` and ``XFrameOptionsMiddleware`` already send
nosniff, the referrer policy and ``X-Frame-Options`` from settings; they are set here
too when missing, so no response leaves without them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
])
# Nothing in Anju uses these browser features; a script injected despite the CSP cannot either.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb"))


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY or "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        return response
