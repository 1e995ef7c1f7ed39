"""Reads the console needs besides complaint lists: places in reach, callers, handlers.

Everything here is limited to the estates the signed-in staff member reaches, so a
lookup by phone or room never reveals a resident of another estate.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anju.accounts.models import User
from anju.complaints.access import visible_complaints
from anju.complaints.models import Complaint
from anju.estates.models import Building, Estate, Facility, Residency, Resident, Room
from anju.lib import phones
from anju.privacy.crypto import blind_index
from anju.staff import policy
from anju.staff.models import Department

ROOM_RESULTS = 20
RECENT_COMPLAINTS = 5


def reach_estates(user: Any) -> QuerySet[Estate]:
    return policy.estates_in_reach(user)


def rooms_in_reach(user: Any) -> QuerySet[Room]:
    return Room.objects.filter(unit__building__estate__in=reach_estates(user)).select_related(
        "unit__building__estate")


def buildings_in_reach(user: Any) -> QuerySet[Building]:
    return Building.objects.filter(estate__in=reach_estates(user)).select_related("estate")


def facilities_in_reach(user: Any) -> QuerySet[Facility]:
    return Facility.objects.filter(estate__in=reach_estates(user)).select_related("estate")


def resident_by_phone(user: Any, raw_phone: str) -> Resident | None:
    """The resident with this phone, if they live in an estate the user reaches."""
    phone = phones.normalise(raw_phone)
    if not phone:
        return None
    return (Resident.objects.with_phone(phone).filter(rooms__in=rooms_in_reach(user))
            .distinct().first())


def resident_in_reach(user: Any, resident_id: Any) -> Resident | None:
    try:
        return Resident.objects.filter(pk=int(resident_id), rooms__in=rooms_in_reach(user)).first()
    except (TypeError, ValueError):
        return None


def room_in_reach(user: Any, room_id: Any) -> Room | None:
    try:
        return rooms_in_reach(user).filter(pk=int(room_id)).first()
    except (TypeError, ValueError):
        return None


def residencies_in_reach(user: Any, resident: Resident) -> QuerySet[Residency]:
    return (resident.residencies.filter(room__in=rooms_in_reach(user))
            .select_related("room__unit__building__estate"))


def search_rooms(user: Any, *, estate: Estate | None, text: str) -> list[Room]:
    """Rooms matching "101", "1栋101" or "1栋1单元101" within reach, with their residents."""
    text = (text or "").strip()
    if not text:
        return []
    qs = rooms_in_reach(user)
    if estate is not None:
        qs = qs.filter(unit__building__estate=estate)
    query = Q(number=text)
    for building_part, rest in _splits(text):
        query |= Q(unit__building__name=building_part, number=rest)
        query |= Q(unit__building__name=building_part, unit__name__in=_unit_prefixes(rest),
                   number__in=_room_suffixes(rest))
    return list(qs.filter(query).prefetch_related("residents")[:ROOM_RESULTS])


def _splits(text: str) -> list[tuple[str, str]]:
    """Split after the building marker: "1栋1单元101" → ("1栋", "1单元101")."""
    return [(text[: i + 1], text[i + 1:]) for i, ch in enumerate(text) if ch in "栋幢号座"]


def _unit_prefixes(rest: str) -> list[str]:
    return [rest[: i + 1] for i, ch in enumerate(rest) if ch == "元"]


def _room_suffixes(rest: str) -> list[str]:
    return [rest[i + 1:] for i, ch in enumerate(rest) if ch == "元"]


def caller_complaints(user: Any, *, resident: Resident | None, phone: str) -> list[Complaint]:
    """The caller's latest complaints the user may see, to spot a repeat or a duplicate."""
    query = Q()
    if resident is not None:
        query |= Q(resident=resident)
    index = blind_index(phone, "phone")
    if index:
        query |= Q(contact_phone_index=index)
    if not query:
        return []
    qs = visible_complaints(user).filter(query).select_related("estate", "category")
    return list(qs.order_by("-created_at")[:RECENT_COMPLAINTS])


def handler_candidates(complaint: Complaint) -> list[tuple[Department, User]]:
    """Active handlers and supervisors who reach the complaint's estate, per department."""
    users = (User.objects.filter(is_active=True, staff__role__in=policy.ASSIGNEES)
             .filter(Q(staff__all_estates=True) | Q(staff__estates=complaint.estate_id))
             .select_related("staff").prefetch_related("staff__departments").distinct())
    pairs = []
    for user in users:
        for department in user.staff.departments.all():
            if department.is_active:
                pairs.append((department, user))
    pairs.sort(key=lambda p: (p[0].code, not p[1].staff.on_duty, p[1].display_name))
    return pairs
