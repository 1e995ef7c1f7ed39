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

Each row is the one description of its action: besides sources, target and roles it
lists the action's ``inputs`` (name, kind, label, required, limits; pure data) and how the
staff console takes it (``console``), and the service that performs it registers itself
here with ``@performs(action)`` (``anju.complaints.services``). The API's body fields, their
validation and the OpenAPI document (``anju.api.actions``, ``anju.api.schemas.ActionIn``)
and the console's action forms (``anju.console.action_forms``) are built from this table;
``tests/complaints/test_transition_table.py`` checks that every action has exactly one
service and that the inputs are what the services take.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.complaints.events import Event
from anju.complaints.models import RootCause, Status
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


MAX_TEXT = 5000


class Kind(StrEnum):
    """What an input of an action is; each interface spells each kind its own way."""

    TEXT = "text"  # several lines of text
    LINE = "line"  # one line of text
    NUMBER = "number"  # a complaint number (TS…): spaces trimmed, upper-cased
    CHOICE = "choice"  # one of ``Input.choices``
    INT = "int"  # a whole number from ``Input.min_value`` to ``Input.max_value``
    BOOL = "bool"  # yes or no
    CATEGORY = "category"  # an active complaint category (its code in the API)
    URGENCY = "urgency"  # one of ``Urgency``
    DEPARTMENT = "department"  # an active department (its code in the API)
    HANDLER = "handler"  # a handler or supervisor of that department (user id in the API)
    REASONS = "reasons"  # any of ``RatingReason``
    FILES = "files"  # photos or files: the console's forms (the API uploads them apart)


TEXTS = frozenset({Kind.TEXT, Kind.LINE, Kind.NUMBER})


@dataclass(frozen=True)
class Input:
    """One thing a person gives when taking an action: a console form field, an API body
    field, a keyword argument of the action's service."""

    name: str  # of the form field and the API body field
    kind: Kind
    label: Any
    required: bool = False
    max_length: int | None = None  # texts: at most this many characters
    choices: type[models.TextChoices] | None = None  # CHOICE
    min_value: int | None = None  # INT
    max_value: int | None = None
    # The complaint's attribute the console's field starts with (``plan``, ``category``).
    prefill: str = ""
    # The service's keyword argument, when it is not ``name``.
    argument: str = ""
    # A text that may stay empty when files are given in the input of this name.
    or_files: str = ""

    @property
    def keyword(self) -> str:
        return self.argument or self.name


def text(name: str, label: Any, *, required: bool = True, max_length: int = MAX_TEXT,
         **more: Any) -> Input:
    return Input(name, Kind.TEXT, label, required=required, max_length=max_length, **more)


def line(name: str, label: Any, *, required: bool = True, max_length: int = 300,
         **more: Any) -> Input:
    return Input(name, Kind.LINE, label, required=required, max_length=max_length, **more)


class Console(StrEnum):
    """Where the staff console takes an action."""

    FORM = "form"  # its own form on the complaint page, with the fields of ``inputs``
    # The return visit's call screen (anju.visits): the complaint page offers one way to it
    # for rate, rate_reopen and close_unreachable, which the screen decides between.
    RETURN_VISIT = "return_visit"


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
    # What a person gives, in the order the console's form shows it.
    inputs: tuple[Input, ...] = ()
    console: Console = Console.FORM
    # The service records which interface it came through (``RatingSource``, ``source=``).
    records_source: bool = False

    @property
    def event(self) -> Event:
        """The event this transition writes on the trail (``complaints.events``)."""
        return Event.of(self.action)

    def input(self, name: str) -> Input | None:
        return next((i for i in self.inputs if i.name == name), None)


CATEGORY = Input("category", Kind.CATEGORY, _("Category"), prefill="category")
URGENCY = Input("urgency", Kind.URGENCY, _("Urgency"), prefill="urgency")
DISPATCH = (
    Input("department", Kind.DEPARTMENT, _("Department"), required=True, prefill="department"),
    Input("handler", Kind.HANDLER, _("Handler"), prefill="handler"),
    text("plan", _("Handling plan (the complainant is told)"), prefill="plan"),
    CATEGORY, URGENCY,
)
SHORT_NOTE = line("note", _("Note (optional)"), required=False, max_length=500)
REASON = text("reason", _("Reason"), max_length=1000)
RATING = (
    Input("satisfaction", Kind.INT, _("Satisfaction"), required=True, min_value=1, max_value=5),
    Input("solved", Kind.BOOL, _("Is the problem solved?")),
    Input("reasons", Kind.REASONS, _("What the rating is about")),
    text("comment", _("What the complainant said"), required=False),
)


TABLE: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("verify", _("Verify: within scope"), BEFORE_WORK - {S.VERIFIED}, S.VERIFIED,
                   DESK, primary=True,
                   inputs=(text("note", _("Verification note"), required=False, max_length=300),
                           CATEGORY, URGENCY)),
        Transition("refer_out", _("Refer out"), BEFORE_WORK, S.REFERRED_OUT, DESK,
                   inputs=(text("reason", _("Why it is outside property services"), max_length=300),
                           line("advice", _("Where the complainant should go instead")))),
        Transition("assign", _("Dispatch"), frozenset({S.VERIFIED}), S.ASSIGNED, DESK, primary=True,
                   inputs=DISPATCH),
        Transition("reassign", _("Reassign"), IN_HAND, S.ASSIGNED, DESK, inputs=DISPATCH),
        Transition("accept", _("Sign for"), frozenset({S.ASSIGNED}), S.IN_PROGRESS, WORKERS,
                   assignee_only=True, primary=True, inputs=(SHORT_NOTE,)),
        Transition("hold", _("Put on hold"), IN_HAND, S.ON_HOLD, WORKERS | DESK, assignee_only=True,
                   inputs=(text("reason", _("What are we waiting for?"), max_length=500),)),
        Transition("resume", _("Resume"), frozenset({S.ON_HOLD}), PREVIOUS, WORKERS | DESK,
                   assignee_only=True, primary=True, inputs=(SHORT_NOTE,)),
        Transition("resolve", _("Resolve"), frozenset({S.IN_PROGRESS}), S.RESOLVED, WORKERS,
                   assignee_only=True, primary=True,
                   inputs=(text("result", _("Result (the complainant is told)")),
                           Input("root_cause", Kind.CHOICE, _("Root cause"), choices=RootCause),
                           Input("before_files", Kind.FILES, _("Photos before")),
                           Input("after_files", Kind.FILES, _("Photos after")))),
        # The rating decides between rate and rate_reopen (``services.is_dissatisfied``).
        Transition("rate", _("Rate: satisfied"), frozenset({S.RESOLVED}), S.CLOSED,
                   DESK | {RESIDENT}, primary=True, inputs=RATING,
                   console=Console.RETURN_VISIT, records_source=True),
        Transition("rate_reopen", _("Rate: not satisfied, reopen"), frozenset({S.RESOLVED}),
                   S.ASSIGNED, DESK | {RESIDENT}, inputs=RATING,
                   console=Console.RETURN_VISIT, records_source=True),
        Transition("close_unreachable", _("Close: complainant unreachable"),
                   frozenset({S.RESOLVED}), S.CLOSED, DESK,
                   inputs=(text("note", _("Note (optional)"), required=False),),
                   console=Console.RETURN_VISIT),
        Transition("reopen", _("Reopen"), frozenset({S.CLOSED}), S.ASSIGNED, SENIOR,
                   inputs=(REASON,)),
        # The complainant need not say why (the portal asks, optionally).
        Transition("withdraw", _("Withdraw"), UNRESOLVED, S.WITHDRAWN, DESK | {RESIDENT},
                   inputs=(text("reason", _("Reason (optional)"), required=False, max_length=500),)),
        Transition("merge", _("Merge into another complaint"), UNRESOLVED, S.MERGED, DESK,
                   inputs=(Input("into_number", Kind.NUMBER, _("Merge into complaint number"),
                                 required=True, max_length=24),
                           SHORT_NOTE)),
        Transition("escalate", _("Supervise (督办)"), OPEN, None, SENIOR, inputs=(REASON,)),
        Transition("note", _("Add a note"), OPEN, None, STAFF | {RESIDENT},
                   inputs=(text("note", _("Note"), required=False, or_files="photos"),
                           Input("photos", Kind.FILES, _("Photos or files"), argument="files"))),
        Transition("contact", _("Record feedback to complainant"), OPEN, None, STAFF,
                   inputs=(text("note", _("What the complainant was told")),)),
        Transition("classify", _("Change category or urgency"), UNRESOLVED, None, DESK,
                   inputs=(CATEGORY, URGENCY,
                           line("note", _("Why (optional)"), required=False, max_length=500))),
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


# --------------------------------------------------------------------------- services

F = TypeVar("F", bound=Callable[..., Any])
_SERVICES: dict[str, Callable[..., Any]] = {}


def performs(*actions: str) -> Callable[[F], F]:
    """Register the decorated function as THE service performing ``actions`` of the table.

    ``@performs("verify")`` on ``services.complaint_verify``; an action no row has, or a
    second service for one action, is refused at import.
    """
    unknown = [a for a in actions if a not in TABLE]
    if unknown or not actions:
        raise ImproperlyConfigured(f"@performs names no action of the transition table: {unknown}")

    def register(function: F) -> F:
        for action in actions:
            if _SERVICES.get(action, function) is not function:
                raise ImproperlyConfigured(
                    f"{action!r} is performed by {_SERVICES[action].__qualname__} already")
            _SERVICES[action] = function
        return function

    return register


def services() -> Mapping[str, Callable[..., Any]]:
    """Every action with the service that performs it."""
    import anju.complaints.services  # noqa: F401  (registers them)

    return MappingProxyType(_SERVICES)


def service(action: str) -> Callable[..., Any]:
    """The service that performs ``action`` (an unknown action is ``InvalidInput``)."""
    get(action)
    return services()[action]
