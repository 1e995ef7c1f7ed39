"""Who subscribes to which events.

An app above the core registers a subscriber for the event types it follows::

    from anju.bus.registry import subscriber
    from anju.complaints.events import Event

    @subscriber("sla.checkpoints", Event.RECEIVED)
    def arm_checkpoints(event: ComplaintEvent) -> None:
        ...

A subscriber receives the committed event itself (its id, ``action``, ``actor``,
``data``, ``complaint_id``). It runs in its own transaction, together with the marking
of its delivery as done, so its writes commit exactly once; it may raise to be retried
later (with backoff) and must be idempotent in what it does outside the database.
The name is stored with each delivery: renaming a subscriber leaves the old name's
pending deliveries as dead letters, so keep names stable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from anju.complaints.events import Event

if TYPE_CHECKING:
    from anju.complaints.models import ComplaintEvent

Handler = Callable[["ComplaintEvent"], None]

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Subscriber:
    name: str
    events: frozenset[Event]
    fn: Handler
    max_attempts: int = MAX_ATTEMPTS


SUBSCRIBERS: dict[str, Subscriber] = {}
_BY_EVENT: dict[str, list[Subscriber]] = {}
# Called with each delivery that has just become a dead letter, in the transaction that
# marks it (the warnings board raises a warning: ``anju.warnings.subscribers``).
DEAD_LETTER_LISTENERS: list[Callable[[int], None]] = []


def on_dead_letter(fn: Callable[[int], None]) -> Callable[[int], None]:
    """Register ``fn(delivery_id)`` to run when a delivery becomes a dead letter."""
    if fn not in DEAD_LETTER_LISTENERS:
        DEAD_LETTER_LISTENERS.append(fn)
    return fn


def subscriber(name: str, *events: Event, max_attempts: int = MAX_ATTEMPTS) -> Callable[[Handler], Handler]:
    """Register ``fn(event)`` under ``name`` for each of ``events`` (members of ``Event``)."""
    if not events:
        raise ImproperlyConfigured(f"Subscriber {name!r} follows no event.")
    checked = []
    for event in events:
        try:
            checked.append(Event(event))
        except ValueError:
            raise ImproperlyConfigured(
                f"Subscriber {name!r} follows {event!r}, which is not an event type "
                f"(anju/complaints/events.py).") from None

    def register(fn: Handler) -> Handler:
        add(Subscriber(name=name, events=frozenset(checked), fn=fn, max_attempts=max_attempts))
        return fn

    return register


def add(sub: Subscriber) -> None:
    old = SUBSCRIBERS.get(sub.name)
    where = (sub.fn.__module__, sub.fn.__qualname__)
    if old is not None and (old.fn.__module__, old.fn.__qualname__) != where:
        raise ImproperlyConfigured(f"Two subscribers are named {sub.name!r}.")
    SUBSCRIBERS[sub.name] = sub
    _reindex()


def remove(name: str) -> None:
    SUBSCRIBERS.pop(name, None)
    _reindex()


def _reindex() -> None:
    _BY_EVENT.clear()
    for sub in sorted(SUBSCRIBERS.values(), key=lambda s: s.name):
        for event in sub.events:
            _BY_EVENT.setdefault(event.value, []).append(sub)


def subscribers_for(code: str) -> list[Subscriber]:
    return _BY_EVENT.get(code, [])


def get(name: str) -> Subscriber | None:
    return SUBSCRIBERS.get(name)
