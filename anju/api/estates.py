"""/estates: the estates within the caller's reach."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from anju.api.schemas import ErrorOut, EstateOut
from anju.complaints.access import role_of
from anju.complaints.transitions import RESIDENT
from anju.estates.models import Estate

router = Router(tags=["reference"])


def estates_in_reach(user: Any) -> QuerySet[Estate]:
    """Staff: the estates of their reach; residents: the estates they live in."""
    role = role_of(user)
    active = Estate.objects.filter(is_active=True)
    if role is None:
        return active.none()
    if role == RESIDENT:
        resident_estates = Estate.objects.filter(
            buildings__units__rooms__residencies__resident=user.resident)
        return active.filter(pk__in=resident_estates)
    if user.staff.all_estates:
        return active
    return active.filter(pk__in=user.staff.estates.all())


@router.get("", response={200: list[EstateOut], 401: ErrorOut},
            operation_id="estates_list", summary="Estates within your reach")
def list_estates(request: HttpRequest) -> Any:
    return list(estates_in_reach(request.auth)  # type: ignore[attr-defined]
                .values("code", "name", "address", "phone"))
