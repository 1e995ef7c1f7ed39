"""Every kind of event on a complaint's trail: the one registry of event types.

A ``ComplaintEvent`` row is written for each change (``services._append_event``); its
``action`` column holds one of the codes below and nothing else. Each transition of the
table (``transitions.TABLE``) has the event ``complaint.<action>``; a few events are not
transitions (the complaint was received, its personal data was removed at the end of the
retention period). ``tests/complaints/test_event_registry.py`` fails when a transition
has no member here, when a member names no transition and is not listed in
``NOT_TRANSITIONS``, or when a dotted event code is spelled out as a string anywhere
outside this module.

Everything that reacts to events names them through this enum: the in-transaction hooks
(``complaints.hooks``), the subscribers of the event bus (``anju.bus``), the timelines.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class Event(StrEnum):
    RECEIVED = "complaint.received"
    VERIFY = "complaint.verify"
    REFER_OUT = "complaint.refer_out"
    ASSIGN = "complaint.assign"
    REASSIGN = "complaint.reassign"
    ACCEPT = "complaint.accept"
    HOLD = "complaint.hold"
    RESUME = "complaint.resume"
    RESOLVE = "complaint.resolve"
    RATE = "complaint.rate"
    RATE_REOPEN = "complaint.rate_reopen"
    CLOSE_UNREACHABLE = "complaint.close_unreachable"
    REOPEN = "complaint.reopen"
    WITHDRAW = "complaint.withdraw"
    MERGE = "complaint.merge"
    # 督办, by a senior member of staff or by the deadline ladder (``data["source"]``).
    ESCALATE = "complaint.escalate"
    NOTE = "complaint.note"
    CONTACT = "complaint.contact"
    CLASSIFY = "complaint.classify"
    ANONYMISED = "retention.anonymised"

    @property
    def action(self) -> str | None:
        """The transition's action code, or None for an event that is not a transition."""
        if self in NOT_TRANSITIONS:
            return None
        return self.value.removeprefix("complaint.")

    @property
    def label(self) -> Any:
        """What the trail calls this event, in the reader's language."""
        return LABELS[self]

    @classmethod
    def of(cls, action: str) -> Event:
        """The event a transition writes: ``Event.of("verify") is Event.VERIFY``."""
        return cls(f"complaint.{action}")

    @classmethod
    def parse(cls, code: str) -> Event | None:
        """The member for a stored code, or None for a code from outside the registry."""
        try:
            return cls(code)
        except ValueError:
            return None


NOT_TRANSITIONS = frozenset({Event.RECEIVED, Event.ANONYMISED})

# What a timeline shows for each event (past tense: it has happened).
LABELS: dict[Event, Any] = {
    Event.RECEIVED: _("Received"),
    Event.VERIFY: _("Verified: within scope"),
    Event.REFER_OUT: _("Referred out"),
    Event.ASSIGN: _("Dispatched"),
    Event.REASSIGN: _("Reassigned"),
    Event.ACCEPT: _("Signed for"),
    Event.HOLD: _("Put on hold"),
    Event.RESUME: _("Resumed"),
    Event.RESOLVE: _("Resolved"),
    Event.RATE: _("Rated: satisfied"),
    Event.RATE_REOPEN: _("Rated: not satisfied, reopened"),
    Event.CLOSE_UNREACHABLE: _("Closed: complainant unreachable"),
    Event.REOPEN: _("Reopened"),
    Event.WITHDRAW: _("Withdrawn"),
    Event.MERGE: _("Merged into another complaint"),
    Event.ESCALATE: _("Supervised (督办)"),
    Event.NOTE: _("Note"),
    Event.CONTACT: _("Feedback given to the complainant"),
    Event.CLASSIFY: _("Category or urgency changed"),
    Event.ANONYMISED: _("Personal data removed (retention period over)"),
}


def label(code: str) -> Any:
    """The label of a stored code; an unknown code (old data) is shown as it is."""
    event = Event.parse(code)
    return event.label if event is not None else code
