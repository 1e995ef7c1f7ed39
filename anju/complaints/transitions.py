"""The lifecycle: every action, the statuses it may start from, where it leads, and who may.

This table is the only place the lifecycle is defined. Services enforce it
(``services._transition``); the console and portal show exactly the actions
``access.allowed_actions`` derives from it; the API accepts exactly its action codes.

    received ──verify──▶ verified ──assign──▶ assigned ──accept──▶ in_progress ──resolve──▶ resolved
        │                    │                   ▲  │ hold/resume      │ hold/resume        │
        └──refer_out─────────┴──▶ referred_out   │  ▼                  ▼                    │
                                                 │ on_hold ◀───────────┘                    │
                                                 └──────────── rate_reopen / reopen ◀────────┤
                                                                    rate / close_unreachable ▼
                                                                                          closed
    withdraw (open statuses) ▶ withdrawn        merge (open statuses) ▶ merged
    escalate (督办), note, contact, classify: status unchanged
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.complaints.events import Event
from anju.complaints.models import Status
from anju.staff.policy import ALL_STAFF, DESK, SENIOR, WORKERS

RESIDENT = "resident"
# The role groups are declared once, in anju/staff/policy.py; these names are the table's.
STAFF = ALL_STAFF

S = Status
BEFORE_WORK = frozenset({S.RECEIVED, S.VERIFIED})
IN_HAND = frozenset({S.ASSIGNED, S.IN_PROGRESS})
UNRESOLVED = BEFORE_WORK | IN_HAND | {S.ON_HOLD}
OPEN = UNRESOLVED | {S.RESOLVED}

# Marks a transition that returns to the status held before ``hold``.
PREVIOUS = "previous"


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[str]
    target: str | None  # None: the status stays; PREVIOUS: back to status_before_hold
    roles: frozenset[str]
    # Handlers may take this action only on complaints assigned to them.
    assignee_only: bool = False
    # Shown as a primary button when allowed.
    primary: bool = False

    @property
    def event(self) -> Event:
        """The event this transition writes on the trail (``complaints.events``)."""
        return Event.of(self.action)


TABLE: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("verify", _("Verify: within scope"), BEFORE_WORK - {S.VERIFIED}, S.VERIFIED,
                   DESK, primary=True),
        Transition("refer_out", _("Refer out"), BEFORE_WORK, S.REFERRED_OUT, DESK),
        Transition("assign", _("Dispatch"), frozenset({S.VERIFIED}), S.ASSIGNED, DESK, primary=True),
        Transition("reassign", _("Reassign"), IN_HAND, S.ASSIGNED, DESK),
        Transition("accept", _("Sign for"), frozenset({S.ASSIGNED}), S.IN_PROGRESS, WORKERS,
                   assignee_only=True, primary=True),
        Transition("hold", _("Put on hold"), IN_HAND, S.ON_HOLD, WORKERS | DESK, assignee_only=True),
        Transition("resume", _("Resume"), frozenset({S.ON_HOLD}), PREVIOUS, WORKERS | DESK,
                   assignee_only=True, primary=True),
        Transition("resolve", _("Resolve"), frozenset({S.IN_PROGRESS}), S.RESOLVED, WORKERS,
                   assignee_only=True, primary=True),
        Transition("rate", _("Rate: satisfied"), frozenset({S.RESOLVED}), S.CLOSED,
                   DESK | {RESIDENT}, primary=True),
        Transition("rate_reopen", _("Rate: not satisfied, reopen"), frozenset({S.RESOLVED}),
                   S.ASSIGNED, DESK | {RESIDENT}),
        Transition("close_unreachable", _("Close: complainant unreachable"),
                   frozenset({S.RESOLVED}), S.CLOSED, DESK),
        Transition("reopen", _("Reopen"), frozenset({S.CLOSED}), S.ASSIGNED, SENIOR),
        Transition("withdraw", _("Withdraw"), UNRESOLVED, S.WITHDRAWN, DESK | {RESIDENT}),
        Transition("merge", _("Merge into another complaint"), UNRESOLVED, S.MERGED, DESK),
        Transition("escalate", _("Supervise (督办)"), OPEN, None, SENIOR),
        Transition("note", _("Add a note"), OPEN, None, STAFF | {RESIDENT}),
        Transition("contact", _("Record feedback to complainant"), OPEN, None, STAFF),
        Transition("classify", _("Change category or urgency"), UNRESOLVED, None, DESK),
    ]
}


def get(action: str) -> Transition:
    from anju.lib.errors import InvalidInput

    try:
        return TABLE[action]
    except KeyError:
        raise InvalidInput(_("Unknown action “%(action)s”."), code="unknown_action",
                           action=action) from None


def target_status(transition: Transition, *, current: str, before_hold: str) -> str:
    if transition.target is None:
        return current
    if transition.target == PREVIOUS:
        return before_hold or S.ASSIGNED
    return transition.target
