"""Staff alerts that follow complaint changes (subscribers of ``anju.bus``, run by the worker).

* an urgent complaint → the WeCom group robot (when a webhook is configured);
* a complaint dispatched to a handler → that handler's bell in the console.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from anju.accounts.models import User
from anju.bus.registry import subscriber
from anju.complaints.events import Event
from anju.complaints.models import Complaint, ComplaintEvent, Urgency
from anju.notify.models import Message
from anju.notify.services import alert_staff, notify_user
from anju.notify.templating import render


@subscriber("notify.urgent_alert", Event.RECEIVED, Event.CLASSIFY, Event.VERIFY)
def alert_urgent(event: ComplaintEvent) -> None:
    complaint = (Complaint.objects.select_related("estate", "category")
                 .filter(pk=event.complaint_id).first())
    if complaint is None or complaint.urgency != Urgency.URGENT:
        return
    if Message.objects.filter(complaint=complaint, kind="staff.urgent").exists():
        return  # once per complaint
    alert_staff("staff.urgent", complaint=complaint)


@subscriber("notify.handler_bell", Event.ASSIGN, Event.REASSIGN)
def tell_handler(event: ComplaintEvent) -> None:
    """The handler named by this dispatch (not whoever holds the complaint by now)."""
    handler = User.objects.filter(pk=event.data.get("handler"), is_active=True).first()
    if handler is None:
        return
    complaint = event.complaint
    with translation.override("zh-hans"):
        body = render(_("Complaint {number} has been dispatched to you. Plan: {plan}"),
                      {"number": complaint.number, "plan": event.note or "—"})
    notify_user(handler, kind="staff.assigned", subject=complaint.number, body=body,
                complaint=complaint)
