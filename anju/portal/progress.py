"""How a complaint's progress reads to the resident: status words, the stepper, the trail.

Residents see every step of the trail, but the text of a step only where it was
written for them (the plan, the result, a referral's reason and advice, their own
notes); staff-internal notes (sign-for, supervision, contact records) stay internal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.complaints import events
from anju.complaints.events import Event
from anju.complaints.models import Attachment, Complaint, ComplaintEvent, Status

S = Status

# The six steps of the source document's process, and the status that reaches each.
STEPS = [
    (S.RECEIVED, _("Received")),
    (S.VERIFIED, _("Verified")),
    (S.ASSIGNED, _("Dispatched")),
    (S.IN_PROGRESS, _("Handling")),
    (S.RESOLVED, _("Resolved")),
    (S.CLOSED, _("Return visit")),
]
_STEP_INDEX: dict[str, int] = {status: i for i, (status, _label) in enumerate(STEPS)}

# Badge colour groups for the status of a complaint.
TONES: dict[str, str] = {
    S.RECEIVED: "new", S.VERIFIED: "new",
    S.ASSIGNED: "working", S.IN_PROGRESS: "working", S.ON_HOLD: "paused",
    S.RESOLVED: "resolved", S.CLOSED: "done",
    S.REFERRED_OUT: "ended", S.WITHDRAWN: "ended", S.MERGED: "ended",
}

NEXT: dict[str, Any] = {
    S.RECEIVED: _("We have received your complaint. Staff will check it and tell you the "
                  "handling plan by SMS."),
    S.VERIFIED: _("We have checked your complaint and are arranging who will handle it."),
    S.ASSIGNED: _("Your complaint has been passed to the staff who will handle it."),
    S.IN_PROGRESS: _("Staff are working on it."),
    S.ON_HOLD: _("Handling is paused for now; the reason is shown below."),
    S.RESOLVED: _("It has been handled. Please tell us whether you are satisfied."),
    S.CLOSED: _("This complaint is finished. Thank you for your patience."),
    S.REFERRED_OUT: _("This matter is outside what the property service can handle. The reason "
                      "and where to go instead are shown below."),
    S.WITHDRAWN: _("This complaint was withdrawn."),
    S.MERGED: _("This was merged with another report of the same problem, which staff are "
                "handling."),
}

# Events whose note was written for the complainant.
PUBLIC_NOTES = frozenset({
    Event.RECEIVED, Event.VERIFY, Event.REFER_OUT, Event.ASSIGN,
    Event.HOLD, Event.RESOLVE, Event.RATE, Event.RATE_REOPEN,
    Event.WITHDRAW,
})
PUBLIC_FILE_KINDS = frozenset({Attachment.Kind.INTAKE, Attachment.Kind.BEFORE,
                               Attachment.Kind.AFTER})
PHOTO_CAPTIONS: dict[str, Any] = {
    Attachment.Kind.BEFORE: _("Before"),
    Attachment.Kind.AFTER: _("After the work"),
}


@dataclass(frozen=True)
class Step:
    label: Any
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class Entry:
    at: datetime
    label: Any
    by_you: bool
    note: str = ""
    advice: str = ""
    stars: int | None = None


def tone(complaint: Complaint) -> str:
    return TONES.get(complaint.status, "new")


def what_next(complaint: Complaint) -> Any:
    return NEXT.get(complaint.status, "")


def stepper(complaint: Complaint) -> list[Step]:
    """The six steps with the one reached marked; empty for a complaint that left the path."""
    status = complaint.status
    if status == S.ON_HOLD:
        status = complaint.status_before_hold or S.ASSIGNED
    current = _STEP_INDEX.get(status)
    if current is None:
        return []
    finished = complaint.status == S.CLOSED
    return [
        Step(label, "done" if i < current or finished else "current" if i == current else "todo")
        for i, (_status, label) in enumerate(STEPS)
    ]


def action_label(action: str) -> Any:
    return events.label(action)


def _entry(event: ComplaintEvent, user: Any) -> Entry:
    by_you = event.actor_id is not None and event.actor_id == user.pk
    public = event.action in PUBLIC_NOTES or (event.action == Event.NOTE and by_you)
    data = event.data or {}
    return Entry(
        at=event.created_at, label=action_label(event.action), by_you=by_you,
        note=event.note if public else "",
        advice=str(data.get("advice") or "") if event.action == Event.REFER_OUT else "",
        stars=data.get("satisfaction") if event.action in (Event.RATE, Event.RATE_REOPEN) else None,
    )


def timeline(complaint: Complaint, user: Any) -> list[Entry]:
    """Newest first: the resident cares most about what happened last."""
    events = complaint.events.order_by("-created_at", "-id")
    return [_entry(event, user) for event in events]


@dataclass(frozen=True)
class Photo:
    attachment: Attachment
    caption: Any


def photos(complaint: Complaint, user: Any) -> list[Photo]:
    """Intake and before/after files, and whatever the resident added themselves."""
    return [
        Photo(a, _("Yours") if a.uploaded_by_id == user.pk else PHOTO_CAPTIONS.get(a.kind, ""))
        for a in complaint.attachments.all()
        if a.kind in PUBLIC_FILE_KINDS or a.uploaded_by_id == user.pk
    ]
