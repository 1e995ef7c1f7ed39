"""Who may use the portal: signed-in residents. Others are sent where they belong."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from anju.complaints.access import is_staff_member, role_of
from anju.complaints.transitions import RESIDENT

View = Callable[..., HttpResponse]


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
