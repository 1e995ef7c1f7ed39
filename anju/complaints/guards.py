"""Page guards by the access policy's roles: staff pages and resident pages.

The console's pages and the staff pages other apps serve under it (warnings board,
return visits, statistics, monthly reports, notifications) use ``staff_required``; the
portal's pages and the resident pages of other apps use ``resident_required``. They sit
here, with the policy they ask (``access.role_of``), so that every app may use them; the
pages they send people to (the console's sign-in and "staff only" page, the portal's
sign-in) are named, not imported.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from anju.complaints.access import is_staff_member, role_of
from anju.complaints.transitions import RESIDENT

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Send strangers to the sign-in page and tell signed-in non-staff where to go."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            return not_staff(request)
        return view(request, *args, **kwargs)

    return wrapper


def not_staff(request: HttpRequest) -> HttpResponse:
    context = {"is_resident": role_of(request.user) == RESIDENT}
    return render(request, "console/not_staff.html", context, status=403)


def resident_required(view: View) -> View:
    """Residents pass; staff go to the console; everyone else signs in first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if role_of(request.user) == RESIDENT:
            return view(request, *args, **kwargs)
        if is_staff_member(request.user):
            return redirect("console:home")
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('portal:signin')}?{query}")

    return wrapper
