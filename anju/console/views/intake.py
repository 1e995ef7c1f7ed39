"""Phone and walk-in intake: find the caller, record the complaint, give them its number."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from anju.complaints import services
from anju.complaints.access import visible_complaints
from anju.complaints.guards import staff_required
from anju.console import errors, lookups
from anju.console.guards import may_take_intake
from anju.console.intake_forms import IntakeForm, new_idempotency_key
from anju.lib import phones
from anju.lib.errors import DomainError


# no-store: Back from the confirmation must not restore a filled form with a fresh
# idempotency key, which would file the same complaint twice.
@never_cache
@staff_required
def intake(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_take_intake(user):
        return render(request, "console/forbidden.html", {
            "message": _("Your role does not record new complaints. Ask a customer-service agent.")},
            status=403)
    if request.method == "POST":
        return _record(request)
    caller = _caller_from_query(user, request.GET)
    form = IntakeForm(user=user, initial=_initial(caller))
    return _render(request, form, caller)


def _record(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = IntakeForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return _render(request, form, _caller_from_form(user, form), status=400)
    try:
        intake = services.complaint_create(actor=user, **form.service_kwargs())
    except DomainError as err:
        errors.add_to_form(form, err)
        return _render(request, form, _caller_from_form(user, form), status=errors.status_for(err))
    complaint = intake.complaint
    if not intake.created:
        messages.info(request, _("This complaint was already recorded as %(number)s.")
                      % {"number": complaint.number})
    if not visible_complaints(user).filter(pk=complaint.pk).exists():
        # Recorded, but outside what this user may open: confidential, or a supervisor's
        # reach is limited to complaints dispatched to their departments.
        if complaint.confidential:
            text = _("Recorded as %(number)s. Tell the caller this number. It is confidential, "
                     "so only quality and administrators can open it.")
        else:
            text = _("Recorded as %(number)s. Tell the caller this number. You will see it once "
                     "it is dispatched to your department.")
        messages.success(request, text % {"number": complaint.number})
        return redirect("console:home")
    return redirect(reverse("console:complaint", args=[complaint.number]) + "?new=1")


def _caller_from_query(user: Any, query: Any) -> dict[str, Any]:
    phone = phones.normalise(query.get("phone", ""))[:20]
    resident = lookups.resident_in_reach(user, query.get("resident"))
    if resident is None and phone:
        resident = lookups.resident_by_phone(user, phone)
    room = lookups.room_in_reach(user, query.get("room"))
    estate = lookups.reach_estates(user).filter(code=query.get("estate", "")).first()
    room_query = (query.get("room_q") or "").strip()[:40]
    return _caller(user, phone=phone, resident=resident, room=room, estate=estate,
                   room_query=room_query, searched_phone=bool(phone))


def _caller_from_form(user: Any, form: IntakeForm) -> dict[str, Any]:
    data = getattr(form, "cleaned_data", {})
    resident = data.get("resident") or lookups.resident_in_reach(user, form.data.get("resident"))
    room = data.get("room") or lookups.room_in_reach(user, form.data.get("room"))
    phone = data.get("contact_phone") or ""
    return _caller(user, phone=phone, resident=resident, room=room)


def _caller(user: Any, *, phone: str, resident: Any, room: Any, estate: Any = None,
            room_query: str = "", searched_phone: bool = False) -> dict[str, Any]:
    residencies = list(lookups.residencies_in_reach(user, resident)) if resident else []
    estates = list(lookups.reach_estates(user)[:2])
    if resident is not None and room is None and len(residencies) == 1:
        room = residencies[0].room
    return {
        "phone": phone,
        "searched_phone": searched_phone,
        "resident": resident,
        "residencies": residencies,
        "room": room,
        "room_query": room_query,
        "only_estate": estates[0] if len(estates) == 1 else None,
        "room_estate": estate,
        "room_results": lookups.search_rooms(user, estate=estate, text=room_query),
        "recent": lookups.caller_complaints(user, resident=resident,
                                            phone=phone or (resident.phone if resident else "")),
    }


def _initial(caller: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {"idempotency_key": new_idempotency_key()}
    if caller["resident"] is not None:
        initial["resident"] = caller["resident"].pk
    elif caller["phone"]:
        initial["contact_phone"] = caller["phone"]
    room = caller["room"]
    if room is not None:
        initial["room"] = room.pk
        initial["estate"] = room.estate.pk
    elif caller["residencies"]:
        initial["estate"] = caller["residencies"][0].room.estate.pk
    elif caller["only_estate"] is not None:
        initial["estate"] = caller["only_estate"].pk
    return initial


def _render(request: HttpRequest, form: IntakeForm, caller: dict[str, Any],
            status: int = 200) -> HttpResponse:
    context = {"form": form, "caller": caller, "estates": lookups.reach_estates(request.user)}
    return render(request, "console/intake.html", context, status=status)
