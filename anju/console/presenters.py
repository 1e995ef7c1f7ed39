"""What a complaint looks like to the person reading it: privacy, places, the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.complaints import transitions
from anju.complaints.access import is_staff_member, role_of
from anju.complaints.models import Complaint, ComplaintEvent, Status
from anju.lib import phones
from anju.staff.models import Role

# Roles that talk to complainants and so need their full phone number.
FULL_PHONE_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.QUALITY, Role.ADMIN})
EVENT_LABELS: dict[str, Any] = {
    "complaint.received": _("Received"),
    "retention.anonymised": _("Personal data removed (retention period over)"),
    **{t.event_code: t.label for t in transitions.TABLE.values()},
}


@dataclass(frozen=True)
class Complainant:
    hidden: bool
    name: str = ""
    phone: str = ""
    email: str = ""
    is_resident: bool = False


def complainant_for(user: Any, complaint: Complaint) -> Complainant:
    """Handlers see a masked phone, and nobody at all when the complaint is anonymous."""
    role = role_of(user)
    if complaint.anonymous and role not in FULL_PHONE_ROLES:
        return Complainant(hidden=True)
    phone = complaint.complainant_phone
    if role not in FULL_PHONE_ROLES:
        phone = phones.mask(phone) if phone else ""
    return Complainant(hidden=False, name=complaint.complainant_name, phone=phone,
                       email=complaint.contact_email if role in FULL_PHONE_ROLES else "",
                       is_resident=complaint.resident_id is not None)


def place_within_estate(complaint: Complaint) -> str:
    """The place without the estate name (shown beside it), using already-joined rows."""
    room, facility, building = complaint.room, complaint.facility, complaint.building
    if room is not None:
        return f"{room.unit.building.name}{room.unit.name}{room.number}"
    parts = []
    if facility is not None:
        parts.append(facility.name)
    elif building is not None:
        parts.append(building.name)
    if complaint.address:
        parts.append(complaint.address)
    return " ".join(parts)


@dataclass(frozen=True)
class TimelineEntry:
    event: ComplaintEvent
    label: Any
    actor: Any
    from_label: Any
    to_label: Any
    moved: bool


def timeline(complaint: Complaint, *, hide_complainant: bool) -> list[TimelineEntry]:
    """The trail; when the complainant is hidden, their own steps say "Complainant"."""
    labels = dict(Status.choices)
    entries = []
    for event in complaint.events.select_related("actor__staff", "actor__resident").order_by(
            "created_at", "id"):
        entries.append(TimelineEntry(
            event=event, label=EVENT_LABELS.get(event.action, event.action),
            actor=_actor_label(event, hide_complainant),
            from_label=labels.get(event.from_status, ""), to_label=labels.get(event.to_status, ""),
            moved=bool(event.to_status) and event.from_status != event.to_status))
    return entries


def _actor_label(event: ComplaintEvent, hide_complainant: bool) -> Any:
    if event.actor is None:
        return event.actor_label or _("system")
    if hide_complainant and not is_staff_member(event.actor):
        return _("Complainant")
    # A resident's account has no name of its own: it is on the (encrypted) resident record.
    resident = getattr(event.actor, "resident", None)
    return resident.name if resident is not None else event.actor.display_name


def recorded_by(complaint: Complaint) -> str:
    """The staff member who took the complaint down; residents filing themselves are not named."""
    creator = complaint.created_by
    return creator.display_name if creator is not None and is_staff_member(creator) else ""


def deadlines(complaint: Complaint) -> list[tuple[Any, Any]]:
    fields = ("feedback_due_at", "onsite_due_at", "resolve_due_at", "visit_due_at")
    return [(getattr(Complaint._meta.get_field(f), "verbose_name", f), getattr(complaint, f))
            for f in fields if getattr(complaint, f)]
