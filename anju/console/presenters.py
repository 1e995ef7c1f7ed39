"""What a complaint looks like to the person reading it: privacy, places, the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.complaints import events
from anju.complaints.access import is_staff_member
from anju.complaints.disclosure import ContactView
from anju.complaints.models import Complaint, ComplaintEvent, Status
from anju.privacy.masks import masked_name


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


def timeline(complaint: Complaint, *, contact: ContactView) -> list[TimelineEntry]:
    """The trail. The complainant's own steps carry their name as ``contact`` shows it
    (masked, revealed or hidden: then they say "Complainant")."""
    labels = dict(Status.choices)
    entries = []
    for event in complaint.events.select_related("actor__staff", "actor__resident").order_by(
            "created_at", "id"):
        entries.append(TimelineEntry(
            event=event, label=events.label(event.action),
            actor=_actor_label(event, complaint, contact),
            from_label=labels.get(event.from_status, ""), to_label=labels.get(event.to_status, ""),
            moved=bool(event.to_status) and event.from_status != event.to_status))
    return entries


def _actor_label(event: ComplaintEvent, complaint: Complaint, contact: ContactView) -> Any:
    if event.actor is None:
        return event.actor_label or _("system")
    if is_staff_member(event.actor):
        return event.actor.display_name
    if contact.hidden:
        return _("Complainant")
    # A resident's account has no name of its own: it is on the (encrypted) resident record.
    resident = getattr(event.actor, "resident", None)
    if resident is None:
        return event.actor.display_name
    if resident.pk == complaint.resident_id:
        return contact.name or _("Complainant")
    return masked_name(resident.name)


def recorded_by(complaint: Complaint) -> str:
    """The staff member who took the complaint down; residents filing themselves are not named."""
    creator = complaint.created_by
    return creator.display_name if creator is not None and is_staff_member(creator) else ""


def deadlines(complaint: Complaint) -> Any:
    """Every SLA target with its due time, time left or overdue, and the pauses (anju/sla)."""
    from anju.sla.display import clocks

    return clocks(complaint)
