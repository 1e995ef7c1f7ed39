"""What the complaint page shows about the clocks: every target and the pauses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.sla.clock import Pause
from anju.sla.policies import targets
from anju.sla.services import load_history

LABELS = {
    "feedback": gettext_lazy("First feedback"),
    "onsite": gettext_lazy("On site"),
    "resolve": gettext_lazy("Resolution"),
    "visit": gettext_lazy("Return visit"),
}


@dataclass(frozen=True)
class Row:
    label: Any
    due: datetime | None
    met_at: datetime | None
    state: str  # "met", "met_late", "overdue", "running", "paused"
    text: str


def span(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": mins}
    return _("%(m)s min") % {"m": mins}


def clocks(complaint: Any, now: datetime | None = None) -> tuple[list[Row], list[Pause]]:
    now = now or timezone.now()
    history = load_history(complaint.pk)
    rows = []
    for t in targets(complaint, history):
        if t.met_at is not None:
            if t.due is not None and t.met_at > t.due:
                state, text = "met_late", _("met, %(late)s late") % {"late": span(t.met_at - t.due)}
            else:
                state, text = "met", _("met")
        elif t.due is None:
            state, text = "paused", _("paused (on hold)")
        elif t.due < now:
            state, text = "overdue", _("overdue by %(span)s") % {"span": span(now - t.due)}
        else:
            state, text = "running", _("%(span)s left") % {"span": span(t.due - now)}
        rows.append(Row(LABELS[t.name], t.due, t.met_at, state, text))
    return rows, history.pauses
