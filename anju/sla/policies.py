"""Which policy applies, and the deadlines and checkpoints it gives a complaint.

Policies, working hours and calendar overrides are read on every intake, so they are
kept per process in a snapshot (``snapshot()``) for ``ANJU_REFERENCE_CACHE_SECONDS``, like
``anju/lib/refcache.py``: computing the deadlines at intake costs no query. A save in this
process empties the snapshot at once; other processes see it when theirs expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from anju.lib import refcache
from anju.sla.calendar import WorkCalendar, WorkingHours
from anju.sla.clock import AROUND_THE_CLOCK, WORKING, Clock, Pause, parse_duration

TARGETS = ("feedback", "onsite", "resolve", "visit")
DUE_FIELD = {t: f"{t}_due_at" for t in TARGETS}
LADDER_LEVELS = 3  # department supervisor, project manager, quality department


@dataclass(frozen=True)
class Rules:
    clock: str
    feedback: str
    onsite: str
    resolve: str
    visit: str
    shares: str = "50,80"
    ladder: str = "2h,4h,8h"
    reopen: str = "fresh"
    urgency: str = ""
    category_id: int | None = None
    estate_id: int | None = None

    def share_list(self) -> list[int]:
        return sorted({int(x) for x in self.shares.split(",") if x.strip()})


# MISSION.md "Deadlines by urgency". Return visits run in working time (2 working days).
DEFAULTS: dict[str, Rules] = {
    "urgent": Rules(AROUND_THE_CLOCK, feedback="15m", onsite="30m", resolve="4h", visit="2d"),
    "high": Rules(AROUND_THE_CLOCK, feedback="30m", onsite="", resolve="24h", visit="2d"),
    "normal": Rules(WORKING, feedback="4h", onsite="", resolve="3d", visit="2d"),
    "low": Rules(WORKING, feedback="", onsite="", resolve="7d", visit="2d"),
}


@dataclass(frozen=True)
class Snapshot:
    rules: tuple[Rules, ...]
    hours: dict[int | None, WorkingHours]
    calendar: WorkCalendar

    def rules_for(self, urgency: str, category_id: int | None, estate_id: int | None) -> Rules:
        best, score = None, -1
        for r in self.rules:
            if r.urgency != urgency:
                continue
            if r.estate_id is not None and r.estate_id != estate_id:
                continue
            if r.category_id is not None and r.category_id != category_id:
                continue
            s = (2 if r.estate_id is not None else 0) + (1 if r.category_id is not None else 0)
            if s > score:
                best, score = r, s
        return best or DEFAULTS.get(urgency, DEFAULTS["normal"])

    def clock(self, mode: str, estate_id: int | None) -> Clock:
        hours = self.hours.get(estate_id) or self.hours.get(None) or WorkingHours()
        return Clock(mode, hours, self.calendar)


def _load() -> Snapshot:
    from anju.sla.models import CalendarOverride, EstateHours, Policy

    rules = tuple(
        Rules(p.clock, p.feedback, p.onsite, p.resolve, p.visit, p.shares, p.ladder, p.reopen,
              p.urgency, p.category_id, p.estate_id)
        for p in Policy.objects.filter(is_active=True))
    hours = {h.estate_id: WorkingHours(h.start, h.end) for h in EstateHours.objects.all()}
    overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
    return Snapshot(rules, hours, WorkCalendar(overrides))


_cache: refcache.SnapshotCache[Snapshot] = refcache.SnapshotCache(
    _load, "sla.Policy", "sla.EstateHours", "sla.CalendarOverride")


def snapshot() -> Snapshot:
    return _cache.get()


# --------------------------------------------------------------------------- deadlines

@dataclass
class History:
    """What the trail says about the clocks: pauses, when it was reached, resolved, reopened."""

    pauses: list[Pause]
    onsite_at: datetime | None = None  # signed for (签收): the handler took it in hand
    resolved: list[datetime] | None = None  # every 办结, in order
    reopened: list[datetime] | None = None  # every reopening, in order


@dataclass(frozen=True)
class Target:
    name: str
    start: datetime
    seconds: int
    due: datetime | None  # None: paused
    met_at: datetime | None
    clock: Clock
    pauses: tuple[Pause, ...] = ()


def targets(c: Any, history: History, snap: Snapshot | None = None) -> list[Target]:
    """Every target of complaint ``c`` with its deadline (pure, given the history)."""
    snap = snap or snapshot()
    rules = snap.rules_for(c.urgency, c.category_id, c.estate_id)
    clock = snap.clock(rules.clock, c.estate_id)
    working = snap.clock(WORKING, c.estate_id)
    pauses = history.pauses
    resolved = history.resolved or []
    reopened = history.reopened or []
    out: list[Target] = []

    def add(name: str, text: str, start: datetime, met_at: datetime | None, clk: Clock,
            seconds: int | None = None) -> None:
        if seconds is None:
            seconds = parse_duration(text, workday_seconds=clk.day_seconds)
        if seconds is None:
            return
        out.append(Target(name, start, seconds, clk.due(start, seconds, pauses), met_at, clk, tuple(pauses)))

    add("feedback", rules.feedback, c.created_at, c.first_feedback_at, clock)
    add("onsite", rules.onsite, c.created_at, history.onsite_at, clock)
    resolve_seconds = parse_duration(rules.resolve, workday_seconds=clock.day_seconds)
    if resolve_seconds is not None:
        start, seconds = c.created_at, resolve_seconds
        cycle_start = c.created_at
        for i, reopen_at in enumerate(reopened):
            if rules.reopen == "rest" and i < len(resolved):
                used = clock.used(cycle_start, resolved[i], pauses)
                seconds = max(seconds - used, 0)
            else:
                seconds = resolve_seconds
            start = cycle_start = reopen_at
        met = c.resolved_at if c.resolved_at and c.resolved_at >= start else None
        add("resolve", "", start, met, clock, seconds)
    if c.resolved_at is not None:
        add("visit", rules.visit, c.resolved_at, c.closed_at, working)
    return out


def checkpoints(c: Any, found: list[Target], rules: Rules | None = None) -> list[dict[str, Any]]:
    """The moments the sweep must act on for the unmet, running targets of ``c``."""
    rules = rules or snapshot().rules_for(c.urgency, c.category_id, c.estate_id)
    rows: list[dict[str, Any]] = []
    for t in found:
        if t.met_at is not None or t.due is None:
            continue
        for share in rules.share_list():
            moment = t.clock.due(t.start, t.seconds * share // 100, t.pauses)
            if moment is not None:
                rows.append(dict(target=t.name, mark=str(share), due_at=min(moment, t.due), deadline=t.due))
        rows.append(dict(target=t.name, mark="breach", due_at=t.due, deadline=t.due))
        step = t.due
        for level, text in enumerate(rules.ladder.split(",")[:LADDER_LEVELS], start=1):
            seconds = parse_duration(text, workday_seconds=t.clock.day_seconds)
            if seconds is None:
                continue
            step = t.clock.add(step, seconds)
            rows.append(dict(target=t.name, mark=f"ladder{level}", due_at=step, deadline=t.due))
    return rows


def remaining(target: Target, now: datetime) -> timedelta | None:
    if target.due is None:
        return None
    return target.due - now
