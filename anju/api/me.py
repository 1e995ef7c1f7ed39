"""/me: who the caller is and what reach they have."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router

from anju.api.estates import estates_in_reach
from anju.api.schemas import ErrorOut, MeOut
from anju.complaints.access import role_of
from anju.complaints.transitions import RESIDENT
from anju.staff.models import Role

router = Router(tags=["me"])


@router.get("", response={200: MeOut, 401: ErrorOut}, operation_id="me_get",
            summary="The calling user and their role")
def get_me(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    role = role_of(user)
    staff = user.staff if role not in (None, RESIDENT) else None
    # A resident's account has no name of its own: it is on the (encrypted) resident record.
    name = user.resident.name if role == RESIDENT else user.display_name
    return {
        "id": user.pk, "username": user.username, "name": name, "role": role,
        "role_label": _role_label(role),
        "all_estates": bool(staff and staff.all_estates),
        "estates": list(estates_in_reach(user).values_list("code", flat=True)),
        "departments": list(staff.departments.values_list("code", flat=True)) if staff else [],
    }


def _role_label(role: str | None) -> str:
    if role is None:
        return ""
    if role == RESIDENT:
        return str(_("Resident"))
    return str(Role(role).label)
