"""In-transaction hooks: how the apps built on the core join a complaint change.

The complaint core (``anju.complaints``) imports none of the apps above it. Those apps
register hooks here from their ``AppConfig.ready``; the services call them at fixed
points of every change, inside its transaction, so what they write commits or rolls
back with the change:

``before_intake(complaint, data)``
    On the new, unsaved complaint before it is inserted, in ``order``. The triage rules
    raise the urgency here (and note their reasons in ``data``, which becomes the data of
    the ``complaint.received`` event); the SLA app stamps the due columns.

``after_events(changes)``
    After the trail rows of one or several changes are inserted, in ``order``. The SLA
    app recomputes deadlines, notify queues the complainant's message, the event bus
    (``anju.bus``) records one delivery per subscriber; the audit log appends its
    entries (a hook the core registers itself, ``complaints/audit_trail.py``: the audit
    log is a layer below). Set-based changes (the deadline ladder) pass all their
    changes at once.

Work that can wait until after the commit is not a hook: it is a subscriber of the
event bus, which claims, retries and records it durably.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from anju.complaints.models import Complaint, ComplaintEvent


@dataclass(frozen=True)
class Change:
    """One committed-to-be change: the complaint as saved and the event on its trail."""

    complaint: Complaint
    event: ComplaintEvent
    # Whether the complainant is told about this change (``feedback``).
    tell: bool = True
    # Free-form context for hooks that need more than the event (never stored).
    extra: dict[str, Any] = field(default_factory=dict)


BeforeIntake = Callable[["Complaint", dict[str, Any]], None]
AfterEvents = Callable[[Sequence[Change]], None]


@dataclass(order=True, frozen=True)
class _Hook:
    order: int
    name: str
    fn: Any = field(compare=False)


_before_intake: list[_Hook] = []
_after_events: list[_Hook] = []


def _add(hooks: list[_Hook], name: str, order: int, fn: Any) -> None:
    hooks[:] = [h for h in hooks if h.name != name]  # re-registering replaces (autoreload, tests)
    hooks.append(_Hook(order, name, fn))
    hooks.sort()


def before_intake(name: str, *, order: int = 100) -> Callable[[BeforeIntake], BeforeIntake]:
    def register(fn: BeforeIntake) -> BeforeIntake:
        _add(_before_intake, name, order, fn)
        return fn

    return register


def after_events(name: str, *, order: int = 100) -> Callable[[AfterEvents], AfterEvents]:
    def register(fn: AfterEvents) -> AfterEvents:
        _add(_after_events, name, order, fn)
        return fn

    return register


def run_before_intake(complaint: Complaint, data: dict[str, Any]) -> None:
    for hook in _before_intake:
        hook.fn(complaint, data)


def run_after_events(changes: Sequence[Change]) -> None:
    if not changes:
        return
    for hook in _after_events:
        hook.fn(changes)


def registered() -> dict[str, list[str]]:
    """The names of the registered hooks, in the order they run (for docs and tests)."""
    return {"before_intake": [h.name for h in _before_intake],
            "after_events": [h.name for h in _after_events]}
