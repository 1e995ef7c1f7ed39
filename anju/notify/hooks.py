"""What the complainant is told at each step, written to the outbox with the change (a
hook of ``complaints.hooks``).

The texts are templates (``notify.templating``: admin-edited, with shipped Chinese and
English defaults); the channel and language follow the resident's preferences or the
channel the complaint came in on (``notify.services.notify_complainant``).
"""

from __future__ import annotations

from collections.abc import Sequence

from anju.complaints import hooks
from anju.notify.services import notify_complainant


@hooks.after_events("notify.complainant", order=30)
def tell_complainant(changes: Sequence[hooks.Change]) -> None:
    for change in changes:
        if change.tell:
            notify_complainant(change.complaint, change.event.action, note=change.event.note)
