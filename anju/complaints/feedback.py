"""What the complainant is told at each step, written to the outbox with the change.

The texts are templates (anju.notify.templating: admin-edited, with shipped Chinese and
English defaults); the channel and language follow the resident's preferences or the
channel the complaint came in on (anju.notify.services.notify_complainant).
"""

from __future__ import annotations

from anju.complaints.models import Complaint
from anju.notify.models import Message
from anju.notify.services import notify_complainant


def tell_complainant(complaint: Complaint, event_code: str, *, note: str = "") -> Message | None:
    """Queue the message for ``event_code`` to the complainant, if they can be reached."""
    return notify_complainant(complaint, event_code, note=note)
