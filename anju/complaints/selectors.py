"""Reads of complaints for lists and inboxes, always through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anju.complaints import numbering
from anju.complaints.access import role_of, visible_complaints
from anju.complaints.models import OPEN_STATUSES, Complaint
from anju.estates.models import Resident
from anju.lib import phones
from anju.privacy.crypto import blind_index
from anju.staff import policy
from anju.staff.models import Role

INBOXES = ("mine", "department", "estates", "all")
# Lists count their matches only up to here: an exact count of a million rows costs a scan
# of them all on every page, and nobody pages through more than this.
COUNT_LIMIT = 1000


def capped_count(qs: QuerySet[Any], limit: int | None = None) -> tuple[int, bool]:
    """``(count, exact)``: the number of rows up to ``limit`` (``COUNT_LIMIT``), and whether
    that is all of them."""
    limit = COUNT_LIMIT if limit is None else limit
    n = qs.order_by()[:limit + 1].count()
    return min(n, limit), n <= limit


def default_inbox(user: Any) -> str:
    role = role_of(user)
    if role == Role.HANDLER:
        return "mine"
    if role == Role.SUPERVISOR:
        return "department"
    if role in policy.HEADQUARTERS:
        return "all"
    return "estates"


def inbox(user: Any, name: str) -> QuerySet[Complaint]:
    """The user's complaints for one inbox; every inbox is within the user's reach."""
    qs = visible_complaints(user)
    if name == "mine":
        return qs.filter(handler=user, status__in=OPEN_STATUSES)
    if name == "department":
        staff = user.staff
        return qs.filter(department__in=staff.departments.all(), status__in=OPEN_STATUSES)
    if name == "estates":
        return qs.filter(status__in=OPEN_STATUSES)
    return qs


def search(qs: QuerySet[Complaint], *, text: str = "", status: str = "", estate: str = "",
           category: str = "", urgency: str = "", channel: str = "",
           escalated: bool | None = None) -> QuerySet[Complaint]:
    """Filter a complaint list. ``text`` matches a number, a phone, a room or the text.

    A phone matches exactly (normalised, through the blind indexes); names and the free
    address are encrypted and cannot be searched.
    """
    if status:
        qs = qs.filter(status=status)
    if estate:
        qs = qs.filter(estate__code=estate)
    if category:
        qs = qs.filter(category__code=category)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if channel:
        qs = qs.filter(channel=channel)
    if escalated is not None:
        qs = qs.filter(escalated=escalated)
    text = (text or "").strip()
    if text:
        qs = qs.filter(_text_query(text))
    return qs


def _text_query(text: str) -> Q:
    if text.upper().startswith(numbering.PREFIX) and text[len(numbering.PREFIX):].isdigit():
        # A whole number (prefix, date, at least MIN_DIGITS) is the prefix of no other one:
        # equality, which uses the index on both databases (SQLite's LIKE cannot).
        if len(text) >= len(numbering.PREFIX) + 8 + numbering.MIN_DIGITS:
            return Q(number=text.upper())
        return Q(number__startswith=text.upper())
    digits = phones.normalise(text)
    if digits.isdigit() and len(digits) >= 7:
        index = blind_index(digits, "phone")
        # The residents first (a handful of ids): OR-ing a join would scan every complaint,
        # OR-ing two indexed columns lets the database combine both indexes.
        residents = list(Resident.objects.filter(phone_index=index).values_list("pk", flat=True)[:100])
        return Q(contact_phone_index=index) | Q(resident_id__in=residents)
    return Q(description__contains=text) | Q(title__contains=text) | Q(room__number=text)


def with_list_columns(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.select_related("estate", "category", "department", "handler", "room__unit__building",
                             "building", "facility", "resident")
