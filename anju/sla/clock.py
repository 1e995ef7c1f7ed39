"""Deadline arithmetic: around the clock or in working time, with pauses.

Pure functions (no database). A duration is a number of seconds of *clock time*: for an
around-the-clock clock that is wall time; for a working-time clock it is time inside the
estate's working hours on working days (see ``calendar.py``), so "3 working days" is three
times the length of a working day. Asia/Shanghai has no daylight saving time, so local
arithmetic on aware datetimes is exact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from anju.sla.calendar import WorkCalendar, WorkingHours, at, local

AROUND_THE_CLOCK = "24x7"
WORKING = "working"

Pause = tuple[datetime, datetime | None]  # (from, to); to=None: still paused

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dhm])\s*$", re.IGNORECASE)


def parse_duration(text: str, *, workday_seconds: int) -> int | None:
    """``"30m"``, ``"4h"``, ``"3d"`` → seconds of clock time; blank → None (no target).

    A day is 24 hours around the clock, or one working day (``workday_seconds``) in
    working time.
    """
    text = (text or "").strip()
    if not text:
        return None
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"Not a duration: {text!r} (use e.g. 30m, 4h, 3d)")
    amount, unit = float(match.group(1)), match.group(2).lower()
    if unit == "m":
        return int(amount * 60)
    if unit == "h":
        return int(amount * 3600)
    return int(amount * workday_seconds)


@dataclass(frozen=True)
class Clock:
    mode: str = AROUND_THE_CLOCK
    hours: WorkingHours = field(default_factory=WorkingHours)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)

    @property
    def day_seconds(self) -> int:
        return 86400 if self.mode == AROUND_THE_CLOCK else self.hours.minutes * 60

    def _align(self, moment: datetime) -> datetime:
        """The first working instant at or after ``moment``."""
        moment = local(moment)
        day = moment.date()
        if self.calendar.is_workday(day):
            if moment < at(day, self.hours.start):
                return at(day, self.hours.start)
            if moment < at(day, self.hours.end):
                return moment
        day = self.calendar.next_workday(day + timedelta(days=1))
        return at(day, self.hours.start)

    def add(self, start: datetime, seconds: int) -> datetime:
        """The moment ``seconds`` of clock time after ``start``."""
        if self.mode == AROUND_THE_CLOCK:
            return start + timedelta(seconds=seconds)
        cursor = self._align(start)
        remaining = timedelta(seconds=seconds)
        while True:
            end = at(cursor.date(), self.hours.end)
            if remaining <= end - cursor:
                return cursor + remaining
            remaining -= end - cursor
            cursor = at(self.calendar.next_workday(cursor.date() + timedelta(days=1)), self.hours.start)

    def elapsed(self, start: datetime, end: datetime) -> int:
        """Seconds of clock time between ``start`` and ``end`` (0 when end ≤ start)."""
        if end <= start:
            return 0
        if self.mode == AROUND_THE_CLOCK:
            return int((end - start).total_seconds())
        start, end = local(start), local(end)
        total = 0.0
        day = start.date()
        while day <= end.date():
            if self.calendar.is_workday(day):
                lo = max(start, at(day, self.hours.start))
                hi = min(end, at(day, self.hours.end))
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return int(total)

    def due(self, start: datetime, seconds: int, pauses: Sequence[Pause] = ()) -> datetime | None:
        """Deadline for ``seconds`` of clock time from ``start``, not counting the pauses.

        None while a pause that began before the deadline is still open (the clock stands).
        """
        remaining = seconds
        cursor = start
        for pause_from, pause_to in sorted(pauses, key=lambda p: p[0]):
            if pause_to is not None and pause_to <= cursor:
                continue
            pause_from = max(pause_from, cursor)
            available = self.elapsed(cursor, pause_from)
            if available >= remaining:
                break
            remaining -= available
            if pause_to is None:
                return None
            cursor = pause_to
        return self.add(cursor, remaining)

    def used(self, start: datetime, now: datetime, pauses: Sequence[Pause] = ()) -> int:
        """Clock seconds used between ``start`` and ``now``, pauses left out."""
        total = self.elapsed(start, now)
        for pause_from, pause_to in pauses:
            lo, hi = max(pause_from, start), min(pause_to or now, now)
            total -= self.elapsed(lo, hi)
        return max(total, 0)
