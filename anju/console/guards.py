"""Who may use the console: signed-in staff members only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anju.complaints import access
from anju.complaints.access import is_staff_member, role_of
from anju.complaints.transitions import RESIDENT
from anju.staff import policy


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
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


def may_take_intake(user: Any) -> bool:
    return access.is_staff_member(user) and access.may_record(user)


def may_open_admin(user: Any) -> bool:
    """Whether the console links to the administration (``anju.staff.policy``)."""
    return policy.may_open_admin(user)
