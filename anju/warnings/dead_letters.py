"""Background work that failed for good shows on the warnings board, with one-click retry.

When a delivery of the event bus becomes a dead letter (its subscriber failed on every
attempt, ``anju.bus.runner``), a warning is raised about the complaint it concerns, so
the supervisors who watch that complaint see that, say, its urgent alert or its
return visit never happened. Retrying queues the delivery again and acknowledges the
warning; if it fails for good again, a new warning is raised.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from anju.bus import runner
from anju.bus.models import Delivery
from anju.complaints.events import label as event_label
from anju.warnings import services
from anju.warnings.models import Kind, Level, Warning

REASON = "bus.dead_letter"


def raise_for(delivery_id: int) -> list[Warning]:
    delivery = (Delivery.objects.select_related("event__complaint").filter(pk=delivery_id).first())
    if delivery is None or delivery.state != Delivery.State.DEAD:
        return []
    complaint = delivery.event.complaint
    error = (delivery.last_error or "").strip().splitlines()
    # Each time it fails for good is its own warning (retried, then failed again).
    finished = delivery.finished_at.isoformat() if delivery.finished_at else ""
    return services.raise_warnings([services.Draft(
        kind=Kind.DEAD_LETTER, key=f"bus:{delivery.pk}:{finished}", reason_code=REASON,
        complaint_id=complaint.pk, estate_id=complaint.estate_id,
        department_id=complaint.department_id, level=Level.QUALITY,
        data={"delivery": delivery.pk, "subscriber": delivery.subscriber,
              "event": delivery.event.action, "number": complaint.number,
              "attempts": delivery.attempts, "error": (error[-1] if error else "")[:300]})])


def retry(warning: Warning, user: Any) -> bool:
    """Queue the warning's delivery again and acknowledge the warning; False if not a dead letter."""
    if warning.kind != Kind.DEAD_LETTER:
        return False
    queued = runner.retry([warning.data.get("delivery")]) == 1
    services.acknowledge(warning, user)
    return queued


@services.reason(REASON)
def _reason(w: Warning) -> str:
    d = w.data
    return _("Background work “%(subscriber)s” failed %(attempts)s times on “%(event)s” of "
             "%(number)s: %(error)s") % {
        "subscriber": d["subscriber"], "attempts": d["attempts"],
        "event": event_label(d["event"]), "number": d["number"], "error": d["error"] or "—"}
